// Who is logged in, shared by every view.
import { ref } from "vue";
import type { Role, SessionView } from "../../shared/ops/contract";
import { can } from "./format";

export const session = ref<SessionView | undefined>();
export const allowed = (min: Role): boolean => (session.value ? can(session.value.role, min) : false);
