// ops: the operations console, behind the HTTP access path /ops — the page (public/, built by
// scripts/build.ts) and its JSON API from one origin. Everything is in shared/ops.
import { join } from "node:path";
import { fileAssets } from "../../shared/ops/http/assets";
import { handleOps } from "../../shared/ops/http/handler";
import { failAnswer, type HttpAnswer } from "../../shared/runtime/http-access";
import { hasMiniProgramCaller, isHttpAccessEvent } from "../../shared/runtime/identity";
import { opsDeps } from "../../shared/runtime/ops";

const assets = fileAssets(join(__dirname, "public"));

export async function main(event: unknown): Promise<HttpAnswer> {
  // Staff reach it through the HTTP route with a browser; a mini-program user calling it is turned
  // away, and so is any call whose event is not an HTTP access event.
  if (hasMiniProgramCaller()) return failAnswer(403, "not callable from the mini-program");
  if (!isHttpAccessEvent(event)) return failAnswer(400, "not an HTTP access event");
  return handleOps(event, { assets, deps: opsDeps(), ...(process.env.OPS_ORIGIN ? { origin: process.env.OPS_ORIGIN } : {}) });
}
