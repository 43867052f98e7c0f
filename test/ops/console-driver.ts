// Drives the operations console in Debian's Chromium (playwright-core; no browser is downloaded)
// against a local stack with the WeChat Pay simulator. Shared by the browser test, which asserts
// along the way, and `npm run screenshots:ops`, which photographs each page: `onPage` is called
// whenever a page is showing what it should. Every wait has a deadline; nothing sleeps.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { CreateOrderResult, FunctionResult, RefundResult, TrainsResult } from "../../shared/contracts/api";
import { chinaDate } from "../../shared/catalog/catalog";
import { idCardCheckChar } from "../../shared/orders/idcard";
import { localDatabase } from "../../dev/local-sdk";
import type { LocalStack } from "../../dev/launch";
import { until } from "../helpers/poll";
import { CHROMIUM, CHROMIUM_ARGS } from "../../scripts/screenshots/chromium";

export { CHROMIUM };
export const OPS_ADMIN_PASSWORD = "browser-test-admin-password";
/** The stack the console runs on: fast simulator, refunds settled only when the script says so. */
export const STACK_ENV = { OPS_ADMIN_PASSWORD, WXPAY_SIM_TIME_SCALE: "0.001", WXPAY_SIM_REFUND_SETTLE_SECONDS: "0" };
/** A passenger name with markup. createOrder refuses such names; it is written into the stored order
 *  directly, as an older client or a migration could have left it. */
export const MARKUP_NAME = `<img src=x onerror="window.__xss=1">李四`;
/** Per step; generous because the suite may share two cores with other suites. */
const WAIT_MS = 30_000;

export async function launchChromium(): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "ops-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1360, height: 860 },
    locale: "zh-CN",
    // Also turns the chart's animation off (it follows prefers-reduced-motion).
    reducedMotion: "reduce",
    timezoneId: "Asia/Shanghai",
  });
  context.setDefaultTimeout(WAIT_MS);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// ---- data: what travellers and WeChat Pay did before staff look ----

async function call<T>(stack: LocalStack, openid: string, fn: string, data: unknown): Promise<T> {
  const r = await stack.call<FunctionResult<T>>(fn, data, { openid, appid: "wx-browser-test" });
  if (r.status !== 200 || !r.result.ok) throw new Error(`${fn}: ${JSON.stringify(r.body)}`);
  return r.result.data;
}

let seq = 0;
function idCard(): string {
  const first17 = `11010519${80 + (seq % 10)}0${1 + (seq % 9)}1${seq % 10}${String(seq++ % 1000).padStart(3, "0")}`;
  return first17 + idCardCheckChar(first17);
}

async function order(stack: LocalStack, trainNo: string, names: string[]): Promise<{ openid: string; order: CreateOrderResult }> {
  const openid = `o-browser-${randomBytes(5).toString("hex")}`;
  const date = chinaDate(Date.now() + 86400_000);
  const trains = await call<TrainsResult>(stack, openid, "trains", { date });
  const train = trains.trains.find((t) => t.trainNo === trainNo);
  if (!train) throw new Error(`no ${trainNo} on ${date}`);
  const passengers = names.map((name) => ({ name, idCardNo: idCard() }));
  return {
    openid,
    order: await call<CreateOrderResult>(stack, openid, "createOrder", {
      trainId: train.trainId,
      seatClass: "second",
      passengers,
      clientToken: `bt-${randomBytes(8).toString("hex")}`,
    }),
  };
}

async function pay(stack: LocalStack, o: CreateOrderResult, drop = false): Promise<string> {
  if (o.payment.mode !== "wechatpay") throw new Error("not a WeChat Pay order");
  const r = await stack.post("/sim/pay", { prepay_id: o.payment.params.package.slice("prepay_id=".length), notification: { drop } });
  if (r.status !== 200) throw new Error(`pay: ${r.text}`);
  return (r.json as { transaction_id: string }).transaction_id;
}

async function statusOf(stack: LocalStack, openid: string, orderId: string): Promise<string> {
  return (await call<{ status: string }>(stack, openid, "orders", { action: "get", orderId })).status;
}

async function refundStatus(stack: LocalStack, refundId: string): Promise<string | undefined> {
  const r = await localDatabase(stack.connection, { inspection: true }).collection("refunds").doc(refundId).get();
  return (r.data[0] as { status?: string } | undefined)?.status;
}

export interface Seeded {
  /** Paid, notified: found by its transaction_id and partly refunded in the console. */
  paid: { orderId: string; outTradeNo: string; transactionId: string };
  /** Paid, then a refund WeChat Pay reported ABNORMAL. */
  abnormal: { orderId: string; outTradeNo: string; outRefundNo: string; refundId: string; openid: string };
  /** Paid at WeChat Pay, notification lost: a reconciliation discrepancy. */
  unrecorded: { orderId: string; outTradeNo: string };
}

export async function seed(stack: LocalStack): Promise<Seeded> {
  const a = await order(stack, "G1", ["李四", "王小明"]);
  const orders = localDatabase(stack.connection, { inspection: true }).collection("orders");
  const stored = (await orders.doc(a.order.orderId).get()).data[0] as { passengers: Array<{ name: string }> };
  await orders.doc(a.order.orderId).update({ passengers: [{ ...stored.passengers[0]!, name: MARKUP_NAME }, stored.passengers[1]!] });
  const txA = await pay(stack, a.order);
  await until("order paid", async () => ((await statusOf(stack, a.openid, a.order.orderId)) === "PAID" ? true : undefined));

  const b = await order(stack, "G3", ["赵六"]);
  await pay(stack, b.order);
  await until("order paid", async () => ((await statusOf(stack, b.openid, b.order.orderId)) === "PAID" ? true : undefined));
  const refund = await call<RefundResult>(stack, b.openid, "refund", {
    orderId: b.order.orderId,
    ticketIds: [`${b.order.orderId}-1`],
    refundToken: `bt-${randomBytes(8).toString("hex")}`,
  });
  await stack.post("/sim/refunds/settle", { out_refund_no: refund.outRefundNo, status: "ABNORMAL" });
  await until("refund ABNORMAL", async () => ((await refundStatus(stack, refund.refundId)) === "ABNORMAL" ? true : undefined));

  const c = await order(stack, "G5", ["钱七"]);
  await pay(stack, c.order, true);

  return {
    paid: { orderId: a.order.orderId, outTradeNo: a.order.outTradeNo, transactionId: txA },
    abnormal: {
      orderId: b.order.orderId,
      outTradeNo: b.order.outTradeNo,
      outRefundNo: refund.outRefundNo,
      refundId: refund.refundId,
      openid: b.openid,
    },
    unrecorded: { orderId: c.order.orderId, outTradeNo: c.order.outTradeNo },
  };
}

// ---- the staff's walk through the console ----

export type OnPage = (name: string, page: Page) => Promise<void>;

/** Waits until `selector` (within the page) shows `text`. */
async function sees(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).filter({ hasText: text }).first().waitFor();
}

export async function walkThrough(page: Page, stack: LocalStack, data: Seeded, onPage: OnPage): Promise<void> {
  await page.goto(`${stack.baseUrl}/ops/`);
  await page.locator(".login-username input").fill("admin");
  await page.locator(".login-password input").fill(OPS_ADMIN_PASSWORD);
  await onPage("ops-login", page);
  await page.locator(".login-submit").click();
  await page.locator(".chart canvas").waitFor();
  await sees(page, ".header .who", "admin");
  await onPage("ops-overview", page);

  // 订单: the transaction number a traveller reads out from WeChat.
  await page.locator(".menu-orders").click();
  await page.locator(".search-value input").fill(data.paid.transactionId);
  await page.locator(".search-submit").click();
  await sees(page, ".orders-table .el-table__row", data.paid.outTradeNo);
  await onPage("ops-orders", page);
  await page.locator(".orders-table .el-table__row").filter({ hasText: data.paid.outTradeNo }).click();
  await sees(page, ".order-detail", data.paid.transactionId);
  await sees(page, ".passengers-table", "王小明");

  // 退款: part of it.
  await page.locator(".btn-refund").click();
  await page.locator(".refund-amount input").fill("10.00");
  await page.locator(".refund-reason textarea").fill("旅客改签，退差价");
  await onPage("ops-refund-dialog", page);
  await page.locator(".refund-submit").click();
  await sees(page, ".refunds-table .el-table__row", "退款中");
  await sees(page, ".refunds-table .el-table__row", "10.00");
  await sees(page, ".audit-table", "人工退款");
  await onPage("ops-order", page);

  // 异常: the ABNORMAL refund, re-routed to the traveller's new card.
  await page.locator(".menu-exceptions").click();
  const row = page.locator(".exceptions-table .el-table__row").filter({ hasText: data.abnormal.outRefundNo });
  await row.waitFor();
  await onPage("ops-exceptions", page);
  await row.locator(".act-reroute").click();
  await page.locator(".reroute-account input").fill("6222020200112233445");
  await page.locator(".reroute-name input").fill("赵六");
  await onPage("ops-reroute-dialog", page);
  await page.locator(".reroute-submit").click();
  // WeChat Pay took it (PROCESSING again): an ordinary refund in flight, out of the queue.
  await row.waitFor({ state: "detached" });
  await onPage("ops-exceptions-cleared", page);
  // WeChat Pay pays the new card out: REFUND.SUCCESS reaches payNotify and completes it.
  await stack.post("/sim/refunds/settle", { out_refund_no: data.abnormal.outRefundNo, status: "SUCCESS" });
  await until("re-routed refund SUCCESS", async () =>
    (await refundStatus(stack, data.abnormal.refundId)) === "SUCCESS" ? true : undefined,
  );

  // 对账: today's bill against our records.
  await page.locator(".menu-reconciliations").click();
  const date = page.locator(".card-header .el-date-editor input");
  await date.fill(chinaDate(Date.now()));
  await date.press("Enter");
  await page.locator(".btn-run").click();
  await sees(page, ".discrepancies-table", data.unrecorded.outTradeNo);
  await sees(page, ".discrepancies-table", "已收款未入账");
  await onPage("ops-reconciliation", page);

  // 操作员 (admin): the operators the console knows.
  await page.locator(".menu-operators").click();
  await sees(page, ".operators-table .el-table__row", "admin");
  await onPage("ops-operators", page);

  await page.locator(".btn-logout").click();
  await page.locator(".login-card").waitFor();
}
