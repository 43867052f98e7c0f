// login: {} → { openid, appid, unionid? }; records the user.
import { callable } from "../../shared/runtime/handler";
import { storeDeps } from "../../shared/runtime/store";
import { login } from "../../shared/services/users";

export const main = callable("login", (_event, caller) => login(storeDeps(), caller));
