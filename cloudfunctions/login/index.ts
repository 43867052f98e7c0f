// login: {} → { openid, appid, unionid? }; records the user.
import { callable } from "../../shared/runtime/handler";
import { login } from "../../shared/services/users";

export const main = callable("login", (_event, caller) => login(caller, Date.now()));
