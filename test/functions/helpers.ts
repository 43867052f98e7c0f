// Shared by the function suites: a stack with the WeChat Pay simulator, typed calls as a given
// user, the real node-sdk pointed at the stack for inspecting what was stored, and notifications
// forged with the simulator's own keys (for cases the simulator will not produce by itself).
import { createPrivateKey, randomBytes } from "node:crypto";
import { DEFAULT_MESSAGES } from "../../shared/errors";
import { expect } from "vitest";
import type {
  CallableFunctionName,
  ErrorCode,
  FunctionContract,
  FunctionResult,
  CreateOrderResult,
  OrderDetail,
  TrainView,
  TrainsResult,
} from "../../shared/contracts/api";
import { chinaDate } from "../../shared/catalog/catalog";
import { idCardCheckChar } from "../../shared/orders/idcard";
import { buildTestNotification, type TestKeySet, type TestNotificationOptions } from "../../shared/wechatpay/testing";
import { loadOrCreateDevKeys } from "../../dev/keys";
import { localDatabase } from "../../dev/local-sdk";
import { until } from "../helpers/poll";
import { startTestStack, type TestStack, type StartOptions } from "../helpers/stack";

export { until };

/** Every code the server can answer: the keys of its one message table (complete by type). */
export const ERROR_CODES = Object.keys(DEFAULT_MESSAGES) as readonly ErrorCode[];

export async function startPayStack(opts: StartOptions = {}): Promise<TestStack> {
  return startTestStack({ ...opts, env: { WXPAY_SIM_TIME_SCALE: "0.001", ...opts.env } });
}

export const newUser = (tag = "u") => ({ openid: `o-${tag}-${randomBytes(6).toString("hex")}`, appid: "wx-test-app" });
export const token = (tag = "t") => `${tag}-${randomBytes(8).toString("hex")}`;

let seq = 100;
/** A fresh valid ID number each call. */
export function idCard(): string {
  const first17 = `110105${1970 + (seq % 40)}0${1 + (seq % 9)}1${seq % 10}${String(seq++ % 1000).padStart(3, "0")}`;
  return first17 + idCardCheckChar(first17);
}
export const passengers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `乘客${"甲乙丙丁戊"[i]}`, idCardNo: idCard() }));

export function caller(stack: TestStack, user: { openid: string; appid?: string }) {
  return async function call<N extends CallableFunctionName>(
    name: N,
    data: FunctionContract[N]["req"] | Record<string, unknown>,
  ): Promise<FunctionResult<FunctionContract[N]["res"]>> {
    const res = await stack.call<FunctionResult<FunctionContract[N]["res"]>>(name, data, user);
    expect(res.status, `${name} HTTP status (${JSON.stringify(res.body)})`).toBe(200);
    return res.result;
  };
}

/** Calls as an operator: no user identity (what `tcb fn invoke` sends), e.g. the amount refund. */
export function operator(stack: TestStack) {
  return async function call<N extends CallableFunctionName>(
    name: N,
    data: Record<string, unknown>,
  ): Promise<FunctionResult<FunctionContract[N]["res"]>> {
    const res = await stack.call<FunctionResult<FunctionContract[N]["res"]>>(name, data);
    expect(res.status, `${name} HTTP status (${JSON.stringify(res.body)})`).toBe(200);
    return res.result;
  };
}

export function ok<T>(r: FunctionResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.data;
}
export function errCode<T>(r: FunctionResult<T>): ErrorCode {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.data).slice(0, 200)}`);
  return r.error.code;
}

export const tomorrow = () => chinaDate(Date.now() + 86400_000);

export async function findTrain(call: ReturnType<typeof caller>, trainNo: string): Promise<TrainView> {
  const r = ok(await call("trains", { date: tomorrow() })) as TrainsResult;
  const t = r.trains.find((x) => x.trainNo === trainNo);
  if (!t) throw new Error(`no ${trainNo} tomorrow`);
  return t;
}

export const prepayIdOf = (o: CreateOrderResult): string => {
  if (o.payment.mode !== "wechatpay") throw new Error("not a wechatpay order");
  return o.payment.params.package.slice("prepay_id=".length);
};

/** The real node-sdk, pointed at the stack: for inspecting and time-travelling stored documents
 *  (its queries are the test's, not the code's: exempt from the index check). */
export function database(stack: TestStack) {
  return localDatabase(stack.connection, { inspection: true });
}

export function waitForStatus(call: ReturnType<typeof caller>, orderId: string, status: OrderDetail["status"]): Promise<OrderDetail> {
  let last = "";
  return until(`order ${orderId} to be ${status}`, async () => {
    const o = ok(await call("orders", { action: "get", orderId })) as OrderDetail;
    last = o.status;
    // REFUNDED is credited a moment before its last refund is marked SUCCESS: wait for both.
    return o.status === status && (status !== "REFUNDED" || o.refunds.every((r) => r.status !== "PROCESSING")) ? o : undefined;
  }).catch((e: Error) => {
    throw new Error(`${e.message} (it is ${last})`);
  });
}

/** Notifications signed with the simulator's WeChat Pay key and encrypted with the APIv3 key the
 *  functions were given: indistinguishable from the simulator's own deliveries. */
export function forger(stack: TestStack) {
  const k = loadOrCreateDevKeys(stack.dataDir);
  const keys = { mchid: k.mchid, appid: k.appid, apiV3Key: k.apiV3Key } as TestKeySet;
  const signer = { serial: k.wxpayPublicKeyId, privateKey: createPrivateKey(k.wxpayPrivateKeyPem) };
  return {
    keys: k,
    build: (opts: TestNotificationOptions) => buildTestNotification(keys, signer, opts),
    post: (n: { headers: Record<string, string>; body: string }) =>
      stack.post("/api/payment/notify", n.body, { ...n.headers, "content-type": "application/json" }),
  };
}
