// The console's core and HTTP edge in-process: the stack's own database engine as strict as CloudBase
// (declared collections only, every query served by a declared index), a fake clock, and the WeChat
// Pay simulator's ledger as the gateway. What the API test on the real stack cannot reach: the
// edge's own Host check and its production (OPS_ORIGIN) mode, time passing (lock and session
// expiry), an unknown re-route outcome, racing resolutions, the search's every index path.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createOrder } from "../../shared/services/booking";
import { chinaDate } from "../../shared/catalog/catalog";
import type { Actor } from "../../shared/ops/authz";
import type { OpsDeps } from "../../shared/ops/deps";
import type { OpsAuditDoc } from "../../shared/ops/model";
import { listExceptions, resolveException } from "../../shared/ops/exceptions";
import { handleOps } from "../../shared/ops/http/handler";
import { manualRefund } from "../../shared/ops/manual-refund";
import { addOperator, bootstrapAdmin, LOCK_MS, login } from "../../shared/ops/operators";
import { syncOrderAction } from "../../shared/ops/order-actions";
import { searchOrders } from "../../shared/ops/orders";
import { overview } from "../../shared/ops/overview";
import { reportDetail } from "../../shared/ops/reconciliation";
import { createOpsRepos } from "../../shared/ops/repos";
import { rerouteAbnormal } from "../../shared/ops/reroute";
import { openSession, SESSION_TTL_MS, sessionOf } from "../../shared/ops/sessions";
import type { HttpEvent } from "../../shared/runtime/http-access";
import type { OrderDoc, RefundDoc } from "../../shared/store/model";
import { passengers, user, world, type World } from "../services/harness";
import { deliverAll } from "../services/invariants";

const ADMIN: Actor = { username: "admin", role: "admin" };
const SUPPORT: Actor = { username: "kefu", role: "support" };

function opsOf(w: World): OpsDeps {
  return { ...w.deps, ops: createOpsRepos(w.mem), payment: () => w.deps };
}
const auditOf = (w: World) => w.mem.all("ops_audit") as unknown as OpsAuditDoc[];
const orderOf = (w: World, id: string) => (w.mem.all("orders") as unknown as OrderDoc[]).find((o) => o._id === id)!;
const refundOf = (w: World, id: string) => (w.mem.all("refunds") as unknown as RefundDoc[]).find((r) => r._id === id)!;

async function paidOrder(w: World, tag: string) {
  const o = await createOrder(
    w.deps,
    { trainId: w.train._id, seatClass: "second", passengers: passengers(2), clientToken: `tok-${tag}` },
    user(tag),
  );
  expect(w.wx.pay(orderOf(w, o.orderId).prepayId!)).toBe(true);
  await deliverAll(w);
  expect(orderOf(w, o.orderId).status).toBe("PAID");
  return orderOf(w, o.orderId);
}

beforeAll(() => {
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  vi.spyOn(console, "error").mockImplementation(() => undefined);
});

describe("operators and sessions, with time passing", () => {
  it("a lock lasts 15 minutes; six racing failures lock once and are audited once", async () => {
    const w = await world();
    const deps = opsOf(w);
    expect(await bootstrapAdmin(deps, "admin-password-1")).toBe("created");
    expect(await bootstrapAdmin(deps, "admin-password-2")).toBe("exists");
    await addOperator(deps, ADMIN, { username: "locky", role: "support", password: "locky-password-1" });
    const tries = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => login(deps, "locky", `wrong-${i}-password`)));
    const codes = tries.map((t) => (t.status === "rejected" ? (t.reason as { code: string }).code : "ok"));
    expect(codes.filter((c) => c === "ACCOUNT_LOCKED").length).toBeGreaterThanOrEqual(1);
    expect(codes.every((c) => c === "ACCOUNT_LOCKED" || c === "INVALID_CREDENTIALS")).toBe(true);
    expect(auditOf(w).filter((a) => a.action === "operator.locked")).toHaveLength(1);

    await expect(login(deps, "locky", "locky-password-1")).rejects.toMatchObject({ code: "ACCOUNT_LOCKED" });
    w.clock.advance(LOCK_MS - 1000);
    await expect(login(deps, "locky", "locky-password-1")).rejects.toMatchObject({ code: "ACCOUNT_LOCKED" });
    w.clock.advance(1000);
    expect(await login(deps, "locky", "locky-password-1")).toEqual({ username: "locky", role: "support" });
  });

  it("a session ends after 8 hours; expired ones are removed at the next login", async () => {
    const w = await world();
    const deps = opsOf(w);
    const { token } = await openSession(deps, "admin");
    w.clock.advance(SESSION_TTL_MS - 1);
    expect(await sessionOf(deps, token)).toMatchObject({ username: "admin" });
    w.clock.advance(1);
    expect(await sessionOf(deps, token)).toBeUndefined();
    await openSession(deps, "admin");
    expect(w.mem.all("ops_sessions")).toHaveLength(1);
  });
});

describe("the HTTP edge", () => {
  const event = (over: Partial<HttpEvent> & { headers: Record<string, string> }): HttpEvent => ({
    path: "/ops/api/login",
    httpMethod: "POST",
    body: JSON.stringify({ username: "admin", password: "admin-password-1" }),
    ...over,
  });
  const assets = { read: () => undefined };

  it("locally only loopback hosts; a foreign Host is refused before anything is read", async () => {
    const w = await world();
    const deps = opsOf(w);
    await bootstrapAdmin(deps, "admin-password-1");
    const own = { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000", "content-type": "application/json", "x-csrf-token": "login" };
    const rebound = await handleOps(event({ headers: { ...own, host: "evil.example:3000", origin: "http://evil.example:3000" } }), {
      assets,
      deps,
    });
    expect([rebound.statusCode, JSON.parse(rebound.body).error.code]).toEqual([403, "FORBIDDEN"]);
    expect(w.mem.all("ops_sessions")).toHaveLength(0);
    const ok = await handleOps(event({ headers: own }), { assets, deps });
    expect(ok.statusCode).toBe(200);
    // Plain http on loopback: the cookie cannot be Secure there.
    expect(ok.headers["set-cookie"]).not.toContain("Secure");
  });

  it("in production (OPS_ORIGIN) only that host and origin, and the cookie is Secure", async () => {
    const w = await world();
    const deps = opsOf(w);
    await bootstrapAdmin(deps, "admin-password-1");
    const env = { assets, deps, origin: "https://ops.example.com" };
    const own = { host: "ops.example.com", origin: "https://ops.example.com", "content-type": "application/json", "x-csrf-token": "login" };
    expect((await handleOps(event({ headers: { ...own, host: "127.0.0.1:3000" } }), env)).statusCode).toBe(403);
    expect((await handleOps(event({ headers: { ...own, origin: "http://ops.example.com" } }), env)).statusCode).toBe(403);
    const ok = await handleOps(event({ headers: own }), env);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers["set-cookie"]).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
  });
});

describe("orders", () => {
  it("every kind of search is served by a declared index and answers the right orders", async () => {
    const w = await world();
    const deps = opsOf(w);
    const a = await paidOrder(w, "a");
    w.clock.advance(86400_000);
    const b = await paidOrder(w, "b");
    w.clock.advance(1000);
    const pending = await createOrder(
      w.deps,
      { trainId: w.train._id, seatClass: "second", passengers: passengers(1), clientToken: "tok-b2" },
      user("b"),
    );
    const ids = async (q: Parameters<typeof searchOrders>[1]) => (await searchOrders(deps, q)).orders.map((o) => o.orderId);
    const dayA = chinaDate(a.createdAt);
    const dayB = chinaDate(b.createdAt);
    expect(await ids({ transactionId: b.transactionId! })).toEqual([b._id]);
    expect(await ids({ transactionId: b.transactionId!, status: "PENDING" })).toEqual([]);
    expect(await ids({ openid: "o-b" })).toEqual([pending.orderId, b._id]);
    expect(await ids({ openid: "o-b", status: "PAID" })).toEqual([b._id]);
    expect(await ids({ openid: "o-b", from: dayA, to: dayA })).toEqual([]);
    expect(await ids({ status: "PAID" })).toEqual([b._id, a._id]);
    expect(await ids({ status: "PAID", from: dayA, to: dayA })).toEqual([a._id]);
    expect(await ids({ from: dayB })).toEqual([pending.orderId, b._id]);
    expect(await ids({ to: dayA })).toEqual([a._id]);
    expect(await ids({ outTradeNo: a.outTradeNo, openid: "o-a" })).toEqual([a._id]);
    expect(await ids({ orderId: a._id, openid: "o-b" })).toEqual([]);
    // A transaction_id we never recorded: found through WeChat Pay, the other conditions still apply.
    const lost = await createOrder(
      w.deps,
      { trainId: w.train._id, seatClass: "second", passengers: passengers(1), clientToken: "tok-lost" },
      user("l"),
    );
    expect(w.wx.pay(orderOf(w, lost.orderId).prepayId!)).toBe(true);
    w.wx.outbox.splice(0); // the notification never arrives
    const txid = w.wx.store.state.orders[lost.outTradeNo]!.transactionId!;
    expect(await searchOrders(deps, { transactionId: txid })).toMatchObject({
      source: "wechatpay",
      orders: [{ orderId: lost.orderId, status: "PENDING" }],
    });
    expect(await ids({ transactionId: txid, openid: "o-a" })).toEqual([]);
    expect(await ids({ outTradeNo: a.outTradeNo, orderId: b._id })).toEqual([]);
  });
});

describe("发起异常退款 against the simulator's ledger", () => {
  it("an ABNORMAL refund re-routed with an unknown outcome stays queued and marked; a sync then finds it processing", async () => {
    const w = await world();
    const deps = opsOf(w);
    const o = await paidOrder(w, "r");
    const refund = await manualRefund(deps, SUPPORT, o._id, { amount: 1000, reason: "退差价", requestToken: "req-1" });
    expect(w.wx.settleRefund(refund.outRefundNo, "ABNORMAL")).toBe(true);
    await deliverAll(w);
    const key = `REFUND_ABNORMAL:${refund.refundId}`;
    expect((await listExceptions(deps)).items.map((i) => i.key)).toContain(key);

    // WeChat Pay took it but the answer was lost: nothing is decided from a missing answer.
    w.wx.fail("abnormal_refund", { kind: "lost" });
    const r = await rerouteAbnormal(deps, SUPPORT, refund.refundId, {
      type: "USER_BANK_CARD",
      bankType: "CMB_DEBIT",
      bankAccount: "6214830012345678",
      realName: "张三",
    });
    expect(r.status).toBe("ABNORMAL");
    expect(w.wx.calls.abnormal_refund).toBe(1);
    const item = (await listExceptions(deps)).items.find((i) => i.key === key)!;
    expect(item.rerouted).toMatchObject({ type: "USER_BANK_CARD", by: "kefu" });
    expect(JSON.stringify(w.mem.all("ops_audit"))).not.toContain("6214830012345678");

    // Asking WeChat Pay settles it: PROCESSING there, so here; out of the queue; then SUCCESS.
    await syncOrderAction(deps, SUPPORT, o._id);
    expect(refundOf(w, refund.refundId).status).toBe("PROCESSING");
    expect((await listExceptions(deps, "all")).items.map((i) => i.key)).not.toContain(key);
    expect(w.wx.settleRefund(refund.outRefundNo, "SUCCESS")).toBe(true);
    await deliverAll(w);
    expect(orderOf(w, o._id)).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: 1000 });
    expect(w.wx.store.state.refunds[refund.outRefundNo]!.receivedAccount).toBe("招商银行借记卡5678");
  });

  it("a re-route WeChat Pay refuses is 502 PAYMENT_FAILED, audited as refused, the refund unchanged", async () => {
    const w = await world();
    const deps = opsOf(w);
    const o = await paidOrder(w, "x");
    const refund = await manualRefund(deps, SUPPORT, o._id, { amount: 500, reason: "退票", requestToken: "req-2" });
    w.wx.settleRefund(refund.outRefundNo, "ABNORMAL");
    await deliverAll(w);
    // The simulator's own rule: a card number it cannot accept.
    await expect(
      rerouteAbnormal(deps, SUPPORT, refund.refundId, {
        type: "USER_BANK_CARD",
        bankType: "NOPE_DEBIT",
        bankAccount: "6214830012345678",
        realName: "张三",
      }),
    ).rejects.toMatchObject({ code: "PAYMENT_FAILED" });
    expect(refundOf(w, refund.refundId).status).toBe("ABNORMAL");
    expect(
      auditOf(w)
        .filter((a) => a.action === "refund.reroute")
        .map((a) => [a.outcome, a.code]),
    ).toEqual([["refused", "PAYMENT_FAILED"]]);
  });
});

describe("the queue", () => {
  it("two people resolving one item at once: one wins, the other is told", async () => {
    const w = await world();
    const deps = opsOf(w);
    const o = await createOrder(
      w.deps,
      { trainId: w.train._id, seatClass: "second", passengers: passengers(1), clientToken: "tok-e" },
      user("e"),
    );
    w.clock.advance(orderOf(w, o.orderId).expiresAt - w.clock.t + 3 * 60_000);
    const key = `PENDING_EXPIRED:${o.orderId}`;
    expect((await listExceptions(deps)).items.map((i) => i.key)).toEqual([key]);
    const both = await Promise.allSettled([resolveException(deps, SUPPORT, key, "已核实"), resolveException(deps, ADMIN, key, "已核实")]);
    expect(both.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(both.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "CONFLICT" } });
    expect((await listExceptions(deps)).items).toEqual([]);
  });

  it("a closed order's payment not refunded is one item, standing as the latest run found it", async () => {
    const w = await world();
    const deps = opsOf(w);
    const d = { kind: "CLOSED_ORDER_NOT_REFUNDED" as const, outTradeNo: "TP0123456789abcdef01234567", detail: "automatic refund ABNORMAL" };
    const report = (billDate: string, checkedAt: number, discrepancies: (typeof d)[]) => ({
      _id: billDate,
      billDate,
      checkedAt,
      payments: 0,
      refunds: 0,
      discrepancies,
    });
    await w.deps.db.reconciliations.set(report("2026-11-30", 1, [d]));
    await w.deps.db.reconciliations.set(report("2026-12-01", 2, [d]));
    const items = (await listExceptions(deps)).items.filter((i) => i.kind === "RECONCILE");
    expect(items.map((i) => [i.key, i.title])).toEqual([
      ["RECONCILE:CLOSED_ORDER_NOT_REFUNDED:TP0123456789abcdef01234567", "对账差异 2026-12-01：已关闭订单收到的付款尚未退回"],
    ]);
    expect(items[0]!.detail).toContain("自动退款状态：退款异常");
    // Resolved once, it is resolved in every report that lists it.
    w.clock.advance(1);
    await resolveException(deps, { username: "caiwu", role: "finance" }, items[0]!.key, "已线下退款");
    expect((await reportDetail(deps, "2026-11-30")).items[0]!.resolved).toMatchObject({ by: "caiwu" });
    // A later run that no longer finds it: gone from the queue.
    await w.deps.db.reconciliations.set(report("2026-12-02", 3, []));
    expect((await listExceptions(deps, "all")).items.filter((i) => i.kind === "RECONCILE")).toEqual([]);
  });
});

describe("overview", () => {
  it("counts by China date over 14 days", async () => {
    const w = await world();
    const deps = opsOf(w);
    const a = await paidOrder(w, "o1");
    w.clock.advance(86400_000);
    await paidOrder(w, "o2");
    const refund = await manualRefund(deps, SUPPORT, a._id, { amount: 700, reason: "退差价", requestToken: "req-o" });
    w.wx.settleRefund(refund.outRefundNo, "SUCCESS");
    await deliverAll(w);
    const v = await overview(deps);
    expect(v.days).toHaveLength(14);
    expect(v.days[12]).toMatchObject({ date: chinaDate(a.createdAt), orders: 1, paidCount: 1, paidAmount: a.amount, refundCount: 0 });
    expect(v.today).toMatchObject({ orders: 1, paidCount: 1, refundCount: 1, refundAmount: 700 });
    expect(v.truncated).toBe(false);
  });
});
