// The console's API against the built ops function on the local stack with the simulator: who may
// call what, the same-origin and CSRF checks, lockout, the refund / re-route / resolve actions and
// their audit records, and what reaches the logs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateOrderResult } from "../../shared/contracts/api";
import type {
  AuditView,
  ExceptionList,
  OpsOrderDetail,
  OpsRefundView,
  OrderSearchResult,
  OverviewView,
  ReconcileDetail,
  SessionView,
} from "../../shared/ops/contract";
import { REPO_ROOT, type TestStack } from "../helpers/stack";
import { transactionResource } from "../../shared/wechatpay/testing";
import {
  caller,
  database,
  findTrain,
  forger,
  newUser,
  ok,
  passengers,
  prepayIdOf,
  startPayStack,
  token,
  waitForStatus,
} from "../functions/helpers";
import { until } from "../helpers/poll";
import { ADMIN_PASSWORD, getWithHost, OpsClient, operatorClient } from "./helpers";

let stack: TestStack;
let admin: OpsClient;
let support: OpsClient;
let viewer: OpsClient;
let finance: OpsClient;
const secrets: string[] = [ADMIN_PASSWORD];
const EVIL = "https://evil.example";
const codeOf = (r: { body: unknown }) => (r.body as { error?: { code?: string } } | undefined)?.error?.code;

beforeAll(async () => {
  // Refunds stay PROCESSING until the test settles them through /sim/refunds/settle.
  // evil.example is let through the stack's own Origin guard, so the console's checks are what refuse it.
  stack = await startPayStack({
    env: { OPS_ADMIN_PASSWORD: ADMIN_PASSWORD, WXPAY_SIM_REFUND_SETTLE_SECONDS: "0", STACK_ALLOWED_ORIGINS: EVIL },
  });
  admin = new OpsClient(stack);
  expect((await admin.login("admin", ADMIN_PASSWORD)).status).toBe(200);
  support = await operatorClient(stack, admin, "kefu", "support");
  viewer = await operatorClient(stack, admin, "guest", "viewer");
  finance = await operatorClient(stack, admin, "caiwu", "finance");
  secrets.push("kefu-password-123", "guest-password-123", "caiwu-password-123");
  for (const c of [admin, support, viewer, finance]) secrets.push(c.cookie.split("=")[1]!, c.csrf);
});
afterAll(async () => {
  await stack?.stop();
});

async function paidOrder(
  trainNo: string,
  notification: { drop?: boolean } = {},
): Promise<{ order: CreateOrderResult; transactionId: string; call: ReturnType<typeof caller> }> {
  const call = caller(stack, newUser());
  const train = await findTrain(call, trainNo);
  const order = ok(
    await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(2), clientToken: token() }),
  ) as CreateOrderResult;
  const paid = await stack.post("/sim/pay", { prepay_id: prepayIdOf(order), notification });
  expect(paid.status).toBe(200);
  if (!notification.drop) await waitForStatus(call, order.orderId, "PAID");
  return { order, transactionId: (paid.json as { transaction_id: string }).transaction_id, call };
}

const auditOf = async (orderId: string): Promise<AuditView[]> => (await admin.get<OpsOrderDetail>(`orders/${orderId}`)).body.audit;

describe("who may call", () => {
  it("no session: 401 for reads and changes, the page itself loads", async () => {
    const anon = new OpsClient(stack);
    for (const path of ["overview", "orders?status=PAID", "exceptions", "reconciliations", "operators", "session"]) {
      const r = await anon.get(path);
      expect([path, r.status, (r.body as { error: { code: string } }).error.code]).toEqual([path, 401, "UNAUTHENTICATED"]);
    }
    expect((await anon.post("orders/0123456789abcdef01234567/refund", { amount: 1, reason: "x", requestToken: token() })).status).toBe(401);
    expect((await anon.request("GET", "overview", undefined, { cookie: "ops_session=" + "A".repeat(43) })).status).toBe(401);
    const page = await fetch(stack.baseUrl + "/ops/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await page.text()).toContain('<div id="app"></div>');
  });

  it("the function answers only HTTP access events, never a mini-program caller", async () => {
    const http = { httpMethod: "GET", path: "/ops/api/session", headers: { host: new URL(stack.baseUrl).host } };
    const fromMiniProgram = await stack.call<{ statusCode: number }>("ops", http, newUser());
    expect(fromMiniProgram.result.statusCode).toBe(403);
    const notHttp = await stack.call<{ statusCode: number }>("ops", { action: "login", username: "admin", password: ADMIN_PASSWORD });
    expect(notHttp.result.statusCode).toBe(400);
    // The same event without a caller reaches the console (no session: 401).
    expect((await stack.call<{ statusCode: number }>("ops", http)).result.statusCode).toBe(401);
  });

  it("the session cookie is HttpOnly, SameSite=Strict, scoped to /ops (Secure dropped on loopback only)", async () => {
    const c = new OpsClient(stack);
    const r = await c.login("admin", ADMIN_PASSWORD);
    const cookie = r.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^ops_session=[A-Za-z0-9_-]{43}; Path=\/ops; Max-Age=28800; HttpOnly; SameSite=Strict$/);
    secrets.push(c.cookie.split("=")[1]!, c.csrf);
    // The token is stored only as its hash.
    const stored = await database(stack).collection("ops_sessions").where({ username: "admin" }).get();
    expect(JSON.stringify(stored.data)).not.toContain(c.cookie.split("=")[1]!);
    const ops = (await database(stack).collection("operators").doc("admin").get()).data[0] as { passwordHash: string };
    expect(ops.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(ops.passwordHash).not.toContain(ADMIN_PASSWORD);
  });

  it("a viewer reads but cannot refund, sync, resolve, re-run or manage operators (403)", async () => {
    const { order } = await paidOrder("G1");
    expect((await viewer.get(`orders/${order.orderId}`)).status).toBe(200);
    const refund = await viewer.post(`orders/${order.orderId}/refund`, { amount: 100, reason: "试试", requestToken: token() });
    expect([refund.status, (refund.body as { error: { code: string } }).error.code]).toEqual([403, "FORBIDDEN"]);
    expect((await viewer.post(`orders/${order.orderId}/sync`)).status).toBe(403);
    expect((await viewer.post("reconciliations/2026-01-01/run")).status).toBe(403);
    expect((await support.post("reconciliations/2026-01-01/run")).status).toBe(403);
    expect((await viewer.get("operators")).status).toBe(403);
    expect((await finance.post("operators", { username: "sneaky", role: "admin", password: "0123456789ab" })).status).toBe(403);
    expect((await database(stack).collection("refunds").where({ orderId: order.orderId }).get()).data).toEqual([]);
  });

  it("cross-site requests are refused (403) and change nothing", async () => {
    const { order } = await paidOrder("G3");
    const body = { amount: 100, reason: "跨站", requestToken: token() };
    const path = `orders/${order.orderId}/refund`;
    const attempts: Array<Record<string, string | undefined>> = [
      { origin: EVIL, "x-csrf-token": undefined }, // foreign Origin, no CSRF header
      { origin: EVIL }, // foreign Origin, even with the token
      { "x-csrf-token": undefined }, // own Origin, no CSRF header
      { "x-csrf-token": "not-the-token" },
      { origin: undefined },
      { "sec-fetch-site": "cross-site" },
      { "content-type": "text/plain" }, // what a cross-site form can send
    ];
    for (const headers of attempts) {
      const r = await support.post(path, body, headers);
      // The console's own refusal (the stack let these through): {"error":{"code":"FORBIDDEN"}}.
      expect([JSON.stringify(headers), r.status, codeOf(r)]).toEqual([JSON.stringify(headers), 403, "FORBIDDEN"]);
    }
    // An origin the stack was not told to allow never reaches the function: the stack's own refusal.
    const other = await support.post(path, body, { origin: "https://other.example" });
    expect(other.status).toBe(403);
    expect(other.text).toContain("FORBIDDEN_ORIGIN");
    // A foreign Host (DNS rebinding to the loopback stack) is refused before anything else (the
    // stack; the console's own Host check is in core.test.ts).
    expect(await getWithHost(stack.baseUrl, "/ops/", "evil.example")).toBe(403);
    expect(await getWithHost(stack.baseUrl, "/ops/", new URL(stack.baseUrl).host)).toBe(200);
    // A cross-site login attempt is refused too.
    const login = await new OpsClient(stack).post("login", { username: "admin", password: ADMIN_PASSWORD }, { origin: EVIL });
    expect([login.status, codeOf(login)]).toEqual([403, "FORBIDDEN"]);
    expect((await database(stack).collection("refunds").where({ orderId: order.orderId }).get()).data).toEqual([]);
    expect(await auditOf(order.orderId)).toEqual([]);
  });

  it("five failed logins lock the account for 15 minutes, even against the right password", async () => {
    await operatorClient(stack, admin, "locky", "support");
    const c = new OpsClient(stack);
    for (let i = 1; i <= 4; i++) {
      const r = await c.login("locky", `wrong-password-${i}`);
      expect([i, r.status, (r.body as unknown as { error: { code: string } }).error.code]).toEqual([i, 401, "INVALID_CREDENTIALS"]);
    }
    const fifth = await c.login("locky", "wrong-password-5");
    expect([fifth.status, (fifth.body as unknown as { error: { code: string } }).error.code]).toEqual([423, "ACCOUNT_LOCKED"]);
    const right = await c.login("locky", "locky-password-123");
    expect(right.status).toBe(423);
    const op = (await admin.get<{ operators: Array<{ username: string; lockedUntil?: number }> }>("operators")).body.operators.find(
      (o) => o.username === "locky",
    )!;
    expect(op.lockedUntil! - Date.now()).toBeGreaterThan(14 * 60_000);
    // An unknown user is answered exactly like a wrong password.
    const unknown = await c.login("nobody", "whatever-password");
    expect([unknown.status, (unknown.body as unknown as { error: { code: string } }).error.code]).toEqual([401, "INVALID_CREDENTIALS"]);
    const audit = await database(stack).collection("ops_audit").where({ action: "operator.locked", target: "locky" }).get();
    expect(audit.data).toHaveLength(1);
  });

  it("logout ends the session; a disabled operator's session ends at once", async () => {
    const c = await operatorClient(stack, admin, "temp", "viewer");
    expect((await c.get("session")).status).toBe(200);
    const oldCookie = c.cookie;
    expect((await c.post("logout")).status).toBe(200);
    expect((await c.request("GET", "session", undefined, { cookie: oldCookie })).status).toBe(401);

    const d = await operatorClient(stack, admin, "leaver", "support");
    expect((await d.get("overview")).status).toBe(200);
    expect((await admin.post("operators/leaver", { disabled: true })).status).toBe(200);
    expect((await d.get("overview")).status).toBe(401);
    expect((await d.login("leaver", "leaver-password-123")).status).toBe(403);
    const audit = await database(stack).collection("ops_audit").where({ action: "operator.change", target: "leaver" }).get();
    expect(audit.data[0]).toMatchObject({ operator: "admin", before: { disabled: false }, after: { disabled: true } });
  });
});

describe("orders", () => {
  it("finds an order by transaction_id, out_trade_no, order id and openid; a lost notification's is found through WeChat Pay", async () => {
    const { order, transactionId } = await paidOrder("G5");
    for (const q of [`transactionId=${transactionId}`, `outTradeNo=${order.outTradeNo}`, `orderId=${order.orderId}`]) {
      const r = await viewer.get<OrderSearchResult>(`orders?${q}`);
      expect(
        r.body.orders.map((o) => o.orderId),
        q,
      ).toEqual([order.orderId]);
    }
    const lost = await paidOrder("G2", { drop: true });
    const r = await viewer.get<OrderSearchResult>(`orders?transactionId=${lost.transactionId}`);
    expect(r.body).toMatchObject({ source: "wechatpay", orders: [{ orderId: lost.order.orderId, status: "PENDING" }] });
    expect((await viewer.get("orders")).status).toBe(400);
    expect((await viewer.get("orders?status=WHATEVER")).status).toBe(400);
  });

  it("a passenger name containing markup comes back as the same text, as JSON that is never sniffed as HTML", async () => {
    const { order } = await paidOrder("G4");
    const name = `<img src=x onerror="alert(1)">张三</b>`;
    const doc = (await database(stack).collection("orders").doc(order.orderId).get()).data[0] as {
      passengers: Array<{ name: string }>;
    };
    await database(stack)
      .collection("orders")
      .doc(order.orderId)
      .update({ passengers: [{ ...doc.passengers[0]!, name }, doc.passengers[1]!] });
    const r = await viewer.get<OpsOrderDetail>(`orders/${order.orderId}`);
    expect(r.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(r.body.order.passengers[0]!.name).toBe(name);
    // ID numbers only masked.
    // (an 18-character 居民身份证 number on its own; transaction ids are 28 digits)
    expect(r.text).not.toMatch(/(?<![\dX])\d{17}[\dX](?![\dX])/);
    expect(r.body.order.passengers[0]!.idCardNoMasked).toMatch(/^\d{3}\*+[\dX]{4}$/);
  });

  it("support refunds part of an order once per request token, never beyond what is refundable; each attempt is audited", async () => {
    const { order, call } = await paidOrder("G79");
    const requestToken = token();
    const first = await support.post<OpsRefundView>(`orders/${order.orderId}/refund`, {
      amount: 1000,
      reason: "客服协商部分退款",
      requestToken,
    });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ amount: 1000, status: "PROCESSING", automatic: false, reason: "客服协商部分退款" });
    const again = await support.post<OpsRefundView>(`orders/${order.orderId}/refund`, {
      amount: 1000,
      reason: "客服协商部分退款",
      requestToken,
    });
    expect(again.body.refundId).toBe(first.body.refundId);
    expect((await support.post(`orders/${order.orderId}/refund`, { amount: 2000, reason: "x", requestToken })).status).toBe(409);
    const detail = (await support.get<OpsOrderDetail>(`orders/${order.orderId}`)).body;
    expect(detail.refunds).toHaveLength(1);
    expect(detail.order.refundable).toBe(order.amount - 1000);
    const over = await support.post(`orders/${order.orderId}/refund`, {
      amount: detail.order.refundable + 1,
      reason: "超额",
      requestToken: token(),
    });
    expect([over.status, (over.body as { error: { code: string } }).error.code]).toEqual([409, "REFUND_EXCEEDED"]);
    expect((await support.post(`orders/${order.orderId}/refund`, { amount: 1.5, reason: "x", requestToken: token() })).status).toBe(400);

    await stack.post("/sim/refunds/settle", { out_refund_no: first.body.outRefundNo, status: "SUCCESS" });
    await waitForStatus(call, order.orderId, "PARTIALLY_REFUNDED");
    const audit = await auditOf(order.orderId);
    expect(audit.filter((a) => a.action === "refund.manual").map((a) => [a.operator, a.outcome, a.code ?? null])).toEqual([
      ["kefu", "refused", "REFUND_EXCEEDED"],
      ["kefu", "ok", null],
    ]);
    const okEntry = audit.find((a) => a.outcome === "ok")!;
    expect(okEntry).toMatchObject({
      role: "support",
      note: "客服协商部分退款",
      before: { status: "PAID", refundReserved: 0 },
      after: { amount: 1000 },
    });
  });
});

describe("exceptions", () => {
  it("an ABNORMAL refund is in the queue until it is re-routed; WeChat Pay then completes it like any refund", async () => {
    const { order, call } = await paidOrder("G80");
    const refund = (
      await support.post<OpsRefundView>(`orders/${order.orderId}/refund`, { amount: 3000, reason: "退票", requestToken: token() })
    ).body;
    await stack.post("/sim/refunds/settle", { out_refund_no: refund.outRefundNo, status: "ABNORMAL" });
    const key = `REFUND_ABNORMAL:${refund.refundId}`;
    const item = await until("ABNORMAL in the queue", async () =>
      (await viewer.get<ExceptionList>("exceptions")).body.items.find((i) => i.key === key),
    );
    expect(item).toMatchObject({ kind: "REFUND_ABNORMAL", status: "open", actions: ["reroute", "sync", "resolve"], amount: 3000 });
    const overview = (await viewer.get<OverviewView>("overview")).body;
    expect(overview.openByKind.REFUND_ABNORMAL).toBeGreaterThanOrEqual(1);
    expect(overview.days).toHaveLength(14);
    expect(overview.days[13]).toEqual(overview.today);
    expect(overview.today.paidCount).toBeGreaterThanOrEqual(5); // the orders paid by the tests so far
    expect(overview.today.paidAmount).toBeGreaterThanOrEqual((5 * order.amount) / 2);

    expect((await viewer.post(`refunds/${refund.refundId}/reroute`, { type: "MERCHANT_BANK_CARD" })).status).toBe(403);
    expect(
      (
        await support.post(`refunds/${refund.refundId}/reroute`, {
          type: "USER_BANK_CARD",
          bankType: "ICBC_DEBIT",
          bankAccount: "12",
          realName: "张三",
        })
      ).status,
    ).toBe(400);
    const account = "6222020200112233445";
    secrets.push(account);
    const r = await support.post<OpsRefundView>(`refunds/${refund.refundId}/reroute`, {
      type: "USER_BANK_CARD",
      bankType: "ICBC_DEBIT",
      bankAccount: account,
      realName: "张三",
    });
    expect(r.status, r.text).toBe(200);
    // WeChat Pay took it (PROCESSING again): it is an ordinary refund in flight, out of the queue.
    expect(r.body.status).toBe("PROCESSING");
    expect((await viewer.get<ExceptionList>("exceptions?status=all")).body.items.some((i) => i.key === key)).toBe(false);

    await stack.post("/sim/refunds/settle", { out_refund_no: refund.outRefundNo, status: "SUCCESS" });
    const detail = await waitForStatus(call, order.orderId, "PARTIALLY_REFUNDED");
    expect(detail.refundedAmount).toBe(3000);
    const audit = (await auditOf(order.orderId)).find((a) => a.action === "refund.reroute")!;
    expect(audit).toMatchObject({
      operator: "kefu",
      outcome: "ok",
      refundId: refund.refundId,
      before: { status: "ABNORMAL" },
      after: { type: "USER_BANK_CARD", bankAccount: "****3445", receivedAccount: "工商银行借记卡3445" },
    });
    expect(JSON.stringify(await database(stack).collection("ops_audit").get())).not.toContain(account);

    // A re-routed refund that fails again comes back, marked with who re-routed it and how.
    const second = (
      await support.post<OpsRefundView>(`orders/${order.orderId}/refund`, { amount: 2000, reason: "退票", requestToken: token() })
    ).body;
    await stack.post("/sim/refunds/settle", { out_refund_no: second.outRefundNo, status: "ABNORMAL" });
    const key2 = `REFUND_ABNORMAL:${second.refundId}`;
    await until("second ABNORMAL in the queue", async () =>
      (await viewer.get<ExceptionList>("exceptions")).body.items.find((i) => i.key === key2),
    );
    expect((await support.post<OpsRefundView>(`refunds/${second.refundId}/reroute`, { type: "MERCHANT_BANK_CARD" })).body.status).toBe(
      "PROCESSING",
    );
    await stack.post("/sim/refunds/settle", { out_refund_no: second.outRefundNo, status: "ABNORMAL" });
    const again = await until("ABNORMAL again", async () =>
      (await viewer.get<ExceptionList>("exceptions")).body.items.find((i) => i.key === key2),
    );
    expect(again).toMatchObject({ status: "open", rerouted: { type: "MERCHANT_BANK_CARD", by: "kefu" } });
  });

  it("refused notifications (mismatch, unknown order) and a payment on a closed order are queued with their actions", async () => {
    const forge = forger(stack);
    const call = caller(stack, newUser());
    const train = await findTrain(call, "G6002");
    const pending = ok(
      await call("createOrder", { trainId: train.trainId, seatClass: "second", passengers: passengers(1), clientToken: token() }),
    ) as CreateOrderResult;
    const wrongAmount = forge.build({
      resource: transactionResource(forge.keys, {
        out_trade_no: pending.outTradeNo,
        transaction_id: "4200000000202612010000000777",
        amount: { total: pending.amount - 1, payer_total: pending.amount - 1, currency: "CNY", payer_currency: "CNY" },
      }),
    });
    expect((await forge.post(wrongAmount)).status).toBe(400);
    expect((await forge.post(wrongAmount)).status).toBe(400); // WeChat Pay sends it again
    const unknownNo = `TP${"0".repeat(12)}${Date.now().toString(16).padStart(12, "0").slice(-12)}`;
    const unknown = forge.build({
      resource: transactionResource(forge.keys, {
        out_trade_no: unknownNo,
        transaction_id: "4200000000202612010000000888",
        amount: { total: 100, payer_total: 100, currency: "CNY", payer_currency: "CNY" },
      }),
    });
    expect((await forge.post(unknown)).status).toBe(400);

    // Paid at WeChat Pay while we closed it: the payment is refunded automatically, and queued.
    const late = await paidOrder("G7001", { drop: true });
    await database(stack).collection("orders").doc(late.order.orderId).update({ status: "CLOSED", closedAt: Date.now() });
    const latePay = forge.build({
      resource: transactionResource(forge.keys, {
        out_trade_no: late.order.outTradeNo,
        transaction_id: late.transactionId,
        amount: { total: late.order.amount, payer_total: late.order.amount, currency: "CNY", payer_currency: "CNY" },
      }),
    });
    expect((await forge.post(latePay)).status).toBe(204);

    const items = (await support.get<ExceptionList>("exceptions")).body.items;
    const mismatch = items.filter((i) => i.kind === "NOTIFY_REJECTED" && i.outTradeNo === pending.outTradeNo);
    expect(mismatch).toHaveLength(1);
    expect(mismatch[0]).toMatchObject({ title: "通知与订单不符", orderId: pending.orderId, actions: ["sync", "resolve"] });
    expect(mismatch[0]!.detail).toContain("2 次投递");
    const stray = items.find((i) => i.kind === "NOTIFY_REJECTED" && i.outTradeNo === unknownNo)!;
    expect(stray).toMatchObject({ title: "通知的订单不存在", actions: ["resolve"] });
    expect(stray.orderId).toBeUndefined();
    const closed = items.find((i) => i.kind === "CLOSED_ORDER_PAID" && i.orderId === late.order.orderId)!;
    expect(closed).toMatchObject({ amount: late.order.amount, actions: ["sync", "resolve"] });

    // Each is resolved with a note, which the audit keeps.
    for (const item of [mismatch[0]!, stray, closed]) {
      const r = await support.post(`exceptions/${encodeURIComponent(item.key)}/resolve`, { note: `已核实：${item.title}` });
      expect(r.status, r.text).toBe(200);
    }
    const open = (await support.get<ExceptionList>("exceptions")).body.items.map((i) => i.key);
    for (const item of [mismatch[0]!, stray, closed]) expect(open).not.toContain(item.key);
    const audit = await database(stack).collection("ops_audit").where({ action: "exception.resolve", target: stray.key }).get();
    expect(audit.data[0]).toMatchObject({ operator: "kefu", note: "已核实：通知的订单不存在", outcome: "ok" });
  });

  it("a PENDING order past expiry: closed through WeChat Pay from the queue; another resolved with a note", async () => {
    const train = await findTrain(caller(stack, newUser()), "G6001");
    // Two travellers: one user may hold only one unpaid order (fair use).
    const mk = async () =>
      ok(
        await caller(stack, newUser())("createOrder", {
          trainId: train.trainId,
          seatClass: "second",
          passengers: passengers(1),
          clientToken: token(),
        }),
      ) as CreateOrderResult;
    const [a, b] = [await mk(), await mk()];
    for (const o of [a, b])
      await database(stack)
        .collection("orders")
        .doc(o.orderId)
        .update({ expiresAt: Date.now() - 10 * 60_000 });
    const items = (await support.get<ExceptionList>("exceptions")).body.items;
    expect(items.find((i) => i.key === `PENDING_EXPIRED:${a.orderId}`)).toMatchObject({
      kind: "PENDING_EXPIRED",
      actions: ["closeExpired", "resolve"],
    });

    const closed = await support.post<OpsOrderDetail>(`orders/${a.orderId}/close-expired`);
    expect(closed.body.order.status).toBe("CLOSED");
    expect((await auditOf(a.orderId)).map((x) => [x.action, x.after])).toEqual([
      ["order.closeExpired", { status: "CLOSED", result: "closed" }],
    ]);

    const key = `PENDING_EXPIRED:${b.orderId}`;
    expect((await support.post(`exceptions/${encodeURIComponent(key)}/resolve`, { note: "" })).status).toBe(400);
    expect((await viewer.post(`exceptions/${encodeURIComponent(key)}/resolve`, { note: "看过了" })).status).toBe(403);
    const resolved = await support.post(`exceptions/${encodeURIComponent(key)}/resolve`, { note: "用户已重新下单，此单保留待查" });
    expect(resolved.status, resolved.text).toBe(200);
    expect((await support.post(`exceptions/${encodeURIComponent(key)}/resolve`, { note: "再来一次" })).status).toBe(409);
    const open = (await support.get<ExceptionList>("exceptions")).body.items.map((i) => i.key);
    expect(open).not.toContain(key);
    const done = (await support.get<ExceptionList>("exceptions?status=resolved")).body.items.find((i) => i.key === key)!;
    expect(done.resolution).toMatchObject({ note: "用户已重新下单，此单保留待查", by: "kefu" });
    expect((await auditOf(b.orderId)).map((x) => [x.action, x.note])).toEqual([["exception.resolve", "用户已重新下单，此单保留待查"]]);
  });
});

describe("reconciliation", () => {
  it("finance re-runs a day, sees the discrepancy, exports CSV; the run is audited", async () => {
    const { order } = await paidOrder("G6002", { drop: true }); // paid at WeChat Pay, not recorded here
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const run = await finance.post<ReconcileDetail>(`reconciliations/${today}/run`);
    expect(run.status, run.text).toBe(200);
    expect(run.body.items).toContainEqual(
      expect.objectContaining({ kind: "PAID_NOT_RECORDED", outTradeNo: order.outTradeNo, orderId: order.orderId }),
    );
    const list = (await viewer.get<{ reports: Array<{ billDate: string; discrepancies: number }> }>("reconciliations")).body.reports;
    expect(list.find((r) => r.billDate === today)!.discrepancies).toBeGreaterThanOrEqual(1);
    const items = (await viewer.get<ExceptionList>("exceptions")).body.items;
    expect(items.find((i) => i.kind === "RECONCILE" && i.outTradeNo === order.outTradeNo)).toMatchObject({
      actions: ["sync", "rerunReconcile", "resolve"],
    });
    const csv = await viewer.request("GET", `reconciliations/${today}/csv`);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toBe(`attachment; filename="reconciliation-${today}.csv"`);
    expect(csv.text.startsWith('\uFEFF"账单日期"')).toBe(true);
    expect(csv.text).toContain(`"PAID_NOT_RECORDED","${order.outTradeNo}"`);
    const audit = await database(stack).collection("ops_audit").where({ action: "reconcile.run", billDate: today }).get();
    expect(audit.data[0]).toMatchObject({ operator: "caiwu", role: "finance", outcome: "ok" });
    expect((await viewer.get("reconciliations/2020-01-01")).status).toBe(404);
    expect((await viewer.get("reconciliations/not-a-date")).status).toBe(404);
  });
});

describe("bootstrap", () => {
  it("npm run ops:bootstrap refuses once an operator exists, and never prints the password", async () => {
    const { execFile } = await import("node:child_process");
    const run = (password: string) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          ["--import", "tsx", "scripts/ops-bootstrap.ts"],
          { cwd: REPO_ROOT, env: { ...process.env, DATA_DIR: stack.dataDir, OPS_ADMIN_PASSWORD: password } },
          (_e, stdout, stderr) => resolve({ code: child.exitCode ?? -1, out: stdout + stderr }),
        );
      });
    const r = await run("another-admin-password");
    expect(r.code).toBe(1);
    expect(r.out).toContain("operators exist already");
    expect(r.out).not.toContain("another-admin-password");
    const admins = await database(stack).collection("operators").where({ role: "admin" }).get();
    expect(admins.data.map((o) => (o as { _id: string })._id)).toEqual(["admin"]);
  });
});

describe("logs", () => {
  it("no session token, CSRF token, password or bank account appears in any log line", async () => {
    const s = (await admin.get<SessionView>("session")).body;
    expect(s.username).toBe("admin");
    const log = stack.stderr();
    expect(log).toContain('"fn":"ops","decision":"HTTP"');
    for (const secret of secrets) expect(log.includes(secret), `log contains a secret (${secret.slice(0, 3)}…)`).toBe(false);
  });
});
