// ops: the operations console, behind the HTTP access path /ops — the page (public/, built by
// scripts/build.mjs) and its JSON API from one origin. Everything is in shared/ops.
import { join } from "node:path";
import { fileAssets } from "../../shared/ops/http/assets";
import { handleOps } from "../../shared/ops/http/handler";
import { failAnswer, type HttpAnswer, type HttpEvent } from "../../shared/runtime/http";
import { invokedByEndUser } from "../../shared/runtime/identity";
import { paymentDeps } from "../../shared/runtime/payment";

const assets = fileAssets(join(__dirname, "public"));

export async function main(event: HttpEvent): Promise<HttpAnswer> {
  // Staff reach it through the HTTP route with a browser; a mini-program user calling it is turned away.
  if (invokedByEndUser()) return failAnswer(403, "not callable from the mini-program");
  return handleOps(event, { assets, payment: () => paymentDeps("ops"), now: Date.now, ...(process.env.OPS_ORIGIN ? { origin: process.env.OPS_ORIGIN } : {}) });
}
