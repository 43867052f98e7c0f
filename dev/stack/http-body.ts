// Small node:http helpers: bounded body reading and JSON answers.
import type { IncomingMessage, ServerResponse } from "node:http";
import { StackError } from "./errors";

/** Largest request body the stack accepts (CloudBase's own limits are larger; 1 MiB is plenty locally). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole body, rejecting with BODY_TOO_LARGE (413) as soon as the limit is passed. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > limit) {
      req.resume();
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on("error", (e) => {
      if (!failed) reject(e);
    });
  });
}

function tooLarge(limit: number): StackError {
  return new StackError("BODY_TOO_LARGE", `request body exceeds ${limit} bytes`, 413);
}

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch (e) {
    throw new StackError("INVALID_JSON", `malformed JSON body: ${(e as Error).message}`, 400);
  }
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
