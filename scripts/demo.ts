// npm run demo: the whole journey against the built functions in a local stack on a free port —
// search, book two passengers, pay (through the WeChat Pay simulator, or mockPay with PAY_MODE=mock),
// wait for the notification, see the seats, return one ticket (退票, 12306 fee), then the other — and a timeline.
// Exits 0 only if every step ended as expected.
import { randomBytes } from "node:crypto";
import type {
  CreateOrderResult,
  FunctionResult,
  OrderDetail,
  OrderStatus,
  RefundQuote,
  RefundResult,
  TrainsResult,
} from "../shared/contracts/api";
import { chinaDate } from "../shared/catalog/catalog";
import { idCardCheckChar } from "../shared/orders/idcard";
import { fenToYuanString } from "../shared/money";
import { launchStack, type LocalStack } from "../dev/launch";

const mock = process.env.PAY_MODE === "mock";
const user = { openid: `o-demo-${randomBytes(4).toString("hex")}`, appid: "wxd0000000000demo" };
const started = Date.now();
const line = (what: string) => console.log(`[+${String(Date.now() - started).padStart(5)} ms] ${what}`);

/** A valid 18-digit ID number: region, birth date, sequence, then its check character. */
const idCard = (region: string, birth: string, seq: string) => {
  const first17 = `${region}${birth}${seq}`;
  return first17 + idCardCheckChar(first17);
};

async function call<T>(stack: LocalStack, fn: string, data: unknown): Promise<T> {
  const res = await stack.call<FunctionResult<T>>(fn, data, user);
  if (res.status !== 200 || !res.result) throw new Error(`${fn}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  if (!res.result.ok) throw new Error(`${fn}: ${res.result.error.code} ${res.result.error.message}`);
  return res.result.data;
}

async function waitFor(stack: LocalStack, orderId: string, want: (o: OrderDetail) => boolean, what: string): Promise<OrderDetail> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const o = await call<OrderDetail>(stack, "orders", { action: "get", orderId });
    if (want(o)) return o;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; order is ${o.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function expect(cond: boolean, what: string): void {
  if (!cond) throw new Error(`unexpected: ${what}`);
  line(`✓ ${what}`);
}

async function run(stack: LocalStack): Promise<void> {
  line(`local stack ${stack.baseUrl} (${mock ? "PAY_MODE=mock" : "WeChat Pay simulator"})`);
  const me = await call<{ openid: string }>(stack, "login", {});
  expect(me.openid === user.openid, `login as ${me.openid}`);

  const date = chinaDate(Date.now() + 86400_000);
  const { trains } = await call<TrainsResult>(stack, "trains", { from: "北京南", to: "上海虹桥", date });
  expect(trains.length > 0, `${trains.length} trains 北京南 → 上海虹桥 on ${date}`);
  const train = trains[0]!;
  const seat = train.seats.find((s) => s.code === "second")!;
  line(`  ${train.trainNo} ${train.departTime}-${train.arriveTime} ${seat.name} ¥${fenToYuanString(seat.price)} 余 ${seat.remaining}`);

  const order = await call<CreateOrderResult>(stack, "createOrder", {
    trainId: train.trainId,
    seatClass: "second",
    passengers: [
      { name: "张三", idCardNo: idCard("110105", "19900307", "123") },
      { name: "李四", idCardNo: idCard("310104", "19881212", "456") },
    ],
    clientToken: `demo-${randomBytes(8).toString("hex")}`,
    price: 1, // ignored: the server prices from the catalog
  });
  expect(order.amount === seat.price * 2, `order ${order.outTradeNo} for ¥${fenToYuanString(order.amount)} (2 × server price)`);
  expect(order.payment.mode === (mock ? "mock" : "wechatpay"), `payment mode ${order.payment.mode}`);

  if (order.payment.mode === "wechatpay") {
    const { package: pkg, timeStamp, signType } = order.payment.params;
    expect(
      pkg.startsWith("prepay_id=") && typeof timeStamp === "string" && signType === "RSA",
      "pay params: package=prepay_id=…, timeStamp string, RSA",
    );
    const paid = await stack.post("/sim/pay", { prepay_id: pkg.slice("prepay_id=".length) });
    expect(paid.status === 200, `payer paid in the simulator: ${JSON.stringify(paid.json)}`);
  } else {
    await call<OrderDetail>(stack, "orders", { action: "mockPay", orderId: order.orderId });
  }
  const paid = await waitFor(stack, order.orderId, (o) => o.status === "PAID", "PAID");
  expect(paid.status === "PAID", mock ? "mockPay marked the order PAID" : "notification marked the order PAID");

  for (const t of paid.tickets) line(`  ${t.passengerName} ${t.idCardNoMasked} ${t.carriage}车${t.seatNo}号 ${t.status}`);
  expect(
    paid.tickets.every((t) => t.status === "ISSUED"),
    "both tickets issued with car and seat numbers",
  );

  const [t1, t2] = paid.tickets;
  const quote = await call<RefundQuote>(stack, "orders", { action: "refundQuote", orderId: order.orderId, ticketIds: [t1!.ticketId] });
  line(
    `  退票报价 ${t1!.passengerName}: 退票费 ¥${fenToYuanString(quote.fee)}（${quote.feePercent}%），实退 ¥${fenToYuanString(quote.amount)}`,
  );
  const r1 = await call<RefundResult>(stack, "refund", {
    orderId: order.orderId,
    ticketIds: [t1!.ticketId],
    reason: "一位乘客行程取消",
    refundToken: `demo-r1-${randomBytes(6).toString("hex")}`,
  });
  line(`  退票 ${r1.outRefundNo} ¥${fenToYuanString(r1.amount)} (fee ¥${fenToYuanString(r1.fee)}) ${r1.status}`);
  const partial = await waitFor(stack, order.orderId, (o) => o.status === "PARTIALLY_REFUNDED", "PARTIALLY_REFUNDED");
  expect(
    partial.refundedAmount === r1.amount,
    `one ticket returned: ¥${fenToYuanString(partial.refundedAmount)} back, ¥${fenToYuanString(r1.fee)} kept by 12306's rule`,
  );

  const r2 = await call<RefundResult>(stack, "refund", {
    orderId: order.orderId,
    ticketIds: [t2!.ticketId],
    refundToken: `demo-r2-${randomBytes(6).toString("hex")}`,
  });
  expect(r2.amount + r2.fee === seat.price, `the other ticket ¥${fenToYuanString(r2.amount)} ${r2.status}`);
  const done = await waitFor(stack, order.orderId, (o) => o.status === "REFUNDED", "REFUNDED");
  expect(done.refundedAmount === order.amount - r1.fee - r2.fee, `every ticket returned: ¥${fenToYuanString(done.refundedAmount)} back`);

  const after = await call<TrainsResult>(stack, "trains", { from: "北京南", to: "上海虹桥", date });
  const back = after.trains.find((t) => t.trainId === train.trainId)!.seats.find((s) => s.code === "second")!;
  expect(back.remaining === seat.remaining, `seats given back: 余 ${back.remaining}`);

  console.log("\n订单时间线");
  for (const t of done.timeline) console.log(`  ${chinaTime(t.at)}  ${statusLabel(t.status)}  ${t.note}`);
  if (!mock) {
    const n = await stack.get(`/sim/notifications?out_trade_no=${order.outTradeNo}`);
    const list = (n.json as { notifications?: Array<Record<string, unknown>> }).notifications ?? [];
    console.log("\n微信支付通知");
    for (const d of list) {
      const attempts = (d.attempts as Array<{ status?: number }> | undefined) ?? [];
      console.log(`  ${String(d.eventType ?? d.event_type)}  ${attempts.map((a) => a.status ?? "—").join(", ")}`);
    }
    expect(list.length >= 3, `${list.length} notifications delivered (payment + 2 refunds)`);
  }
}

const chinaTime = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().replace("T", " ").slice(0, 23);
const statusLabel = (s: OrderStatus) =>
  ({ PENDING: "待支付", PAID: "已支付", PARTIALLY_REFUNDED: "部分退款", REFUNDED: "已退款", CLOSED: "已关闭" })[s];

const stack = await launchStack({ env: { WXPAY_SIM_TIME_SCALE: "0.01", ...(mock ? { PAY_MODE: "mock" } : {}) } });
try {
  await run(stack);
  console.log("\ndemo: every step ended as expected");
} catch (e) {
  console.error(`\ndemo FAILED: ${(e as Error).message}`);
  console.error(stack.stderr().split("\n").slice(-30).join("\n"));
  process.exitCode = 1;
} finally {
  await stack.stop();
}
