// Notification parser: headers + raw body → verified, decrypted, typed event, or a typed rejection.
// Order matters: the exact bytes are verified before anything is parsed. Uses node:crypto only
// (no wechatpay-axios-plugin) so the notify function starts small. Never throws.
import type { KeyObject } from "node:crypto";
import { decryptAeadResourceText } from "./aead";
import type { SignatureHeaders } from "./headers";
import type { WechatpayKeyStore } from "./key-store";
import type { NotificationInput, NotificationParser, NotificationRejectionCode, NotificationResult, PaymentNotification } from "./types";
import { verifyMessage, type MessageCheck } from "./message-verifier";
import { MAX_CLOCK_SKEW_SECONDS } from "./verifier";
import { isObject, toRefundRecord, toTransaction } from "./wire";

export interface NotificationParserOptions {
  apiV3Key: KeyObject;
  keys: WechatpayKeyStore;
  maxSkewSeconds?: number;
}

const REFUND_EVENTS = ["REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED"] as const;
type RefundEvent = (typeof REFUND_EVENTS)[number];
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const reject = (code: NotificationRejectionCode, message: string): NotificationResult => ({ ok: false, code, message });

export function createNotificationParser(options: NotificationParserOptions): NotificationParser {
  return {
    parse(input: NotificationInput, now?: Date): Promise<NotificationResult> {
      // Every step returns a value; the catches make a bug answer "send again" instead of throwing.
      try {
        if (!isObject(input) || !isObject(input.headers)) return Promise.resolve(reject("MISSING_HEADER", "no headers"));
        const body = notificationBody(input);
        if (!body) return Promise.resolve(reject("BAD_BODY", "body is not a string (or not valid base64 with isBase64Encoded)"));
        const checked = verifyMessage(
          input.headers,
          body,
          options.keys,
          now ?? new Date(),
          options.maxSkewSeconds ?? MAX_CLOCK_SKEW_SECONDS,
        );
        if (checked instanceof Promise)
          return checked.then(
            (c) => decodeSafely(options, c, body),
            () => UNPROCESSABLE,
          );
        return Promise.resolve(decodeSafely(options, checked, body));
      } catch {
        return Promise.resolve(UNPROCESSABLE);
      }
    },
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// String.prototype.isWellFormed: Node 20+; the regex covers Node 16 (CloudBase runtimes).
const nativeWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;
const isWellFormed = (s: string): boolean => (nativeWellFormed ? nativeWellFormed.call(s) : !LONE_SURROGATE.test(s));

/**
 * The raw body: base64-decoded (strictly) when the trigger says so. A well-formed string is kept as
 * is: its UTF-8 encoding is exactly the bytes received, and parsing it equals parsing those bytes.
 * A string with lone surrogates is turned into bytes first, so what is parsed is what was verified.
 */
export function notificationBody(input: NotificationInput): Buffer | string | undefined {
  if (typeof input.body !== "string") return undefined;
  if (!input.isBase64Encoded) return isWellFormed(input.body) ? input.body : Buffer.from(input.body, "utf8");
  const compact = input.body.replace(/\s+/g, "");
  return BASE64.test(compact) ? Buffer.from(compact, "base64") : undefined;
}

const UNPROCESSABLE: NotificationResult = { ok: false, code: "BAD_BODY", message: "notification could not be processed" };

function decodeSafely(options: NotificationParserOptions, check: MessageCheck, body: Buffer | string): NotificationResult {
  if (!check.ok) return reject(check.code, check.message);
  try {
    return decode(options, check.headers, body);
  } catch {
    return UNPROCESSABLE;
  }
}

/** Verified bytes only: parses, decrypts and types. */
function decode(options: NotificationParserOptions, headers: SignatureHeaders, body: Buffer | string): NotificationResult {
  let envelope: unknown;
  try {
    envelope = JSON.parse(typeof body === "string" ? body : body.toString("utf8"));
  } catch {
    return reject("BAD_BODY", "body is not JSON");
  }
  if (!isObject(envelope) || !isObject(envelope.resource)) return reject("BAD_BODY", "body has no resource object");
  const { id, create_time: createTime, event_type: eventType, summary, resource } = envelope;
  if (typeof id !== "string" || typeof createTime !== "string" || typeof eventType !== "string") {
    return reject("BAD_BODY", "body lacks id, create_time or event_type");
  }
  const isTransaction = eventType === "TRANSACTION.SUCCESS";
  if (!isTransaction && !REFUND_EVENTS.includes(eventType as RefundEvent)) {
    const unhandled: PaymentNotification = {
      id,
      createTime,
      summary: typeof summary === "string" ? summary : "",
      serial: headers.serial,
      eventType: "UNHANDLED",
      rawEventType: eventType.slice(0, 64),
    };
    if (headers.requestId) unhandled.requestId = headers.requestId;
    return { ok: true, event: unhandled };
  }
  const { algorithm, ciphertext, nonce } = resource;
  const associatedData = resource.associated_data ?? "";
  if (
    algorithm !== "AEAD_AES_256_GCM" ||
    typeof ciphertext !== "string" ||
    typeof nonce !== "string" ||
    typeof associatedData !== "string"
  ) {
    return reject("BAD_BODY", "resource is not an AEAD_AES_256_GCM resource");
  }
  const plaintext = decryptAeadResourceText(options.apiV3Key, { ciphertext, nonce, associatedData });
  if (plaintext === undefined) return reject("DECRYPT_FAILED", "resource does not decrypt with the APIv3 key");
  let inner: unknown;
  try {
    inner = JSON.parse(plaintext);
  } catch {
    return reject("BAD_BODY", "decrypted resource is not JSON");
  }

  // Built field by field (no spreads): this is the hot path of every notification.
  const summaryText = typeof summary === "string" ? summary : "";
  const serial = headers.serial;
  let event: PaymentNotification;
  if (isTransaction) {
    const transaction = toTransaction(inner);
    if (transaction?.tradeState !== "SUCCESS" || !transaction.transactionId) {
      return reject("BAD_BODY", "decrypted transaction lacks required fields or is not SUCCESS");
    }
    event = { id, createTime, summary: summaryText, serial, eventType: "TRANSACTION.SUCCESS", transaction };
  } else {
    const refund = toRefundRecord(inner);
    if (!refund) return reject("BAD_BODY", "decrypted refund lacks required fields");
    event = { id, createTime, summary: summaryText, serial, eventType: eventType as RefundEvent, refund };
  }
  if (headers.requestId) event.requestId = headers.requestId;
  return { ok: true, event };
}
