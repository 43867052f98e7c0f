// Delivers WeChat Pay notifications to the merchant's notify_url: encrypted resource, signed
// exact bytes, WeChat's retry schedule (time-scaled), optional duplicate / SIGNTEST / drop.
// Every attempt and its answer is recorded for GET /sim/notifications.
import { randomBytes, randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { aesGcmEncrypt, randomNonce } from "./crypto";
import { rfc3339Cst } from "./china-time";
import type { ResponseSigner, SignedHeaders } from "./signer";
import type { DeliveryAttempt, NotificationOptions, NotificationRecord, SimStore } from "./state";

/** Seconds between attempts after a failure: 15s,15s,30s,3m,10m,20m,30m,30m,30m,60m,3h,3h,3h,6h,6h. */
export const RETRY_SCHEDULE_S = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600];
const ANSWER_LIMIT = 2000;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export interface NotificationInput {
  eventType: "TRANSACTION.SUCCESS" | "REFUND.SUCCESS" | "REFUND.ABNORMAL" | "REFUND.CLOSED";
  summary: string;
  /** Becomes original_type and associated_data. */
  resourceType: "transaction" | "refund";
  plaintext: object;
  url: string;
  outTradeNo: string;
  outRefundNo?: string;
  options: NotificationOptions;
}

interface PostResult {
  status: number | null;
  answer: string;
  error?: string;
}

export class Notifier {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly store: SimStore,
    private readonly signer: ResponseSigner,
    private readonly apiV3Key: string,
    private readonly nowMs: () => number,
    private readonly timeScale: number,
    /** How long an attempt waits for an answer. */
    private readonly attemptTimeoutMs: number,
  ) {}

  enqueue(input: NotificationInput): NotificationRecord {
    const nonce = randomNonce(12);
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: rfc3339Cst(this.nowMs()),
      resource_type: "encrypt-resource",
      event_type: input.eventType,
      summary: input.summary,
      resource: {
        original_type: input.resourceType,
        algorithm: "AEAD_AES_256_GCM",
        ciphertext: aesGcmEncrypt(JSON.stringify(input.plaintext), this.apiV3Key, nonce, input.resourceType),
        associated_data: input.resourceType,
        nonce,
      },
    });
    const record: NotificationRecord = {
      id: (JSON.parse(body) as { id: string }).id,
      eventType: input.eventType,
      url: input.url,
      outTradeNo: input.outTradeNo,
      ...(input.outRefundNo !== undefined ? { outRefundNo: input.outRefundNo } : {}),
      body,
      createdAt: new Date().toISOString(),
      options: input.options,
      status: input.options.drop ? "dropped" : "pending",
      attempts: [],
    };
    this.store.state.notifications.push(record);
    this.store.save();
    if (record.status === "pending") this.schedule(record, 0);
    return record;
  }

  /** After a restart: pending deliveries continue where they stopped. */
  resumePending(): void {
    for (const n of this.store.state.notifications) {
      if (n.status === "pending") this.schedule(n, Math.max(0, (n.nextAttemptAt ?? Date.now()) - Date.now()));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.inFlight) c.abort();
  }

  private schedule(n: NotificationRecord, delayMs: number): void {
    if (this.closed) return;
    n.nextAttemptAt = Date.now() + delayMs;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.run(n);
    }, delayMs);
    this.timers.add(timer);
  }

  private async run(n: NotificationRecord): Promise<void> {
    const body = Buffer.from(n.body, "utf8");
    if (n.options.signtest && !n.attempts.some((a) => a.kind === "signtest")) {
      const probe = await this.attempt(n, "signtest", { ...this.signer.sign(body, { signtest: true }), "Request-ID": requestId() });
      if (!probe) return;
      n.signtestRejected = probe.status !== null && (probe.status < 200 || probe.status > 299);
    }
    // Each delivery carries its own Request-ID, as WeChat Pay's do (merchants log it).
    const headers = { ...this.signer.sign(body), "Request-ID": requestId() };
    const first = !n.attempts.some((a) => a.kind === "delivery");
    // The duplicate leaves at the same moment with the same bytes and headers.
    const duplicate = n.options.duplicate && first ? this.attempt(n, "duplicate", headers) : undefined;
    const result = await this.attempt(n, "delivery", headers);
    await duplicate;
    if (!result) return; // stopped by close(): stays pending for the next start
    if (result.status !== null && result.status >= 200 && result.status <= 299) {
      n.status = "delivered";
      delete n.nextAttemptAt;
    } else if (result.error?.startsWith("not delivered")) {
      n.status = "failed";
      delete n.nextAttemptAt;
    } else {
      const retriesDone = n.attempts.filter((a) => a.kind === "delivery" && !a.error?.startsWith("stopped")).length - 1;
      const wait = RETRY_SCHEDULE_S[retriesDone];
      if (wait === undefined) {
        n.status = "failed";
        delete n.nextAttemptAt;
      } else {
        this.schedule(n, wait * 1000 * this.timeScale);
      }
    }
    this.store.save();
  }

  /** One POST, recorded; null when close() interrupted it (the delivery then stays pending). */
  private async attempt(
    n: NotificationRecord,
    kind: DeliveryAttempt["kind"],
    headers: SignedHeaders & { "Request-ID": string },
  ): Promise<DeliveryAttempt | null> {
    if (this.closed) return null;
    const started = Date.now();
    const controller = new AbortController();
    this.inFlight.add(controller);
    let result: PostResult;
    try {
      result = await this.post(n.url, Buffer.from(n.body, "utf8"), headers, controller.signal);
    } finally {
      this.inFlight.delete(controller);
    }
    const stopped = controller.signal.aborted;
    const attempt: DeliveryAttempt = {
      at: new Date(started).toISOString(),
      kind,
      status: stopped ? null : result.status,
      ...(stopped ? { error: "stopped: simulator closed" } : result.error !== undefined ? { error: result.error } : {}),
      answer: result.answer,
      durationMs: Date.now() - started,
      serial: headers["Wechatpay-Serial"],
    };
    n.attempts.push(attempt);
    this.store.save();
    return stopped ? null : attempt;
  }

  private post(url: string, body: Buffer, signed: SignedHeaders, signal: AbortSignal): Promise<PostResult> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.resolve({ status: null, answer: "", error: "not delivered: notify_url is not a URL" });
    }
    // The simulator reaches loopback only; anything else would leave the machine.
    if (!LOOPBACK.has(target.hostname)) {
      return Promise.resolve({
        status: null,
        answer: "",
        error: "not delivered: only loopback notify_url hosts are reachable from the simulator",
      });
    }
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const req = send(
        target,
        {
          method: "POST",
          agent: false,
          signal,
          // Local https receivers use self-signed certificates.
          ...(target.protocol === "https:" ? { rejectUnauthorized: false } : {}),
          headers: {
            "Content-Type": "application/json",
            "Content-Length": String(body.length),
            "User-Agent": "Mozilla/4.0 (wxpay-sim)",
            ...signed,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? null, answer: Buffer.concat(chunks).toString("utf8").slice(0, ANSWER_LIMIT) });
          });
          res.on("error", () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? null, answer: "", error: "answer cut off" });
          });
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        resolve({ status: null, answer: "", error: "timeout" });
      }, this.attemptTimeoutMs);
      req.on("error", (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve({ status: null, answer: "", error: `no answer: ${e.code ?? e.message}` });
      });
      req.end(body);
    });
  }
}

const requestId = (): string => randomBytes(16).toString("hex").toUpperCase();
