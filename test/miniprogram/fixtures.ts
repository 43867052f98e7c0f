// Contract-shaped answers the fake platform gives pages in the page tests.
import type { CreateOrderResult, OrderDetail, TicketStatus, TicketView, TrainView } from "../../shared/contracts/api";

export const NOW = Date.now();

export const trainG1: TrainView = {
  trainId: "G1-2026-11-28",
  trainNo: "G1",
  from: "北京南",
  to: "上海虹桥",
  date: "2026-11-28",
  departTime: "09:00",
  arriveTime: "13:28",
  durationMinutes: 268,
  seats: [
    { code: "business", name: "商务座", price: 174800, remaining: 0 },
    { code: "first", name: "一等座", price: 93300, remaining: 8 },
    { code: "second", name: "二等座", price: 55300, remaining: 120 },
  ],
};

export const trainG7: TrainView = {
  trainId: "G7-2026-11-28",
  trainNo: "G7",
  from: "北京南",
  to: "南京南",
  date: "2026-11-28",
  departTime: "10:00",
  arriveTime: "13:15",
  durationMinutes: 195,
  seats: [{ code: "second", name: "二等座", price: 44350, remaining: 3 }],
};

/** Valid GB 11643 numbers (check digits computed by hand from the weights). */
export const VALID_ID_1 = "11010519491231002X";
export const VALID_ID_2 = "440524198001010013";

export function createOrderResult(mode: "wechatpay" | "mock" = "wechatpay"): CreateOrderResult {
  return {
    orderId: "ord_1",
    outTradeNo: "T20261127000001",
    amount: 110600,
    expiresAt: NOW + 15 * 60_000,
    serverNow: Date.now(),
    payment:
      mode === "mock"
        ? { mode: "mock" }
        : {
            mode: "wechatpay",
            params: {
              timeStamp: String(Math.floor(NOW / 1000)),
              nonceStr: "n0nce",
              package: "prepay_id=wx_test_prepay",
              signType: "RSA",
              paySign: "c2lnbmF0dXJl",
            },
          },
  };
}

/** The two passengers' tickets in one status (seats 05车 12F/12D). */
export function tickets(status: TicketStatus, extra: Partial<TicketView>[] = []): TicketView[] {
  const base: TicketView[] = [
    {
      ticketId: "ord_1-1",
      passengerName: "张三",
      idCardNoMasked: "110***********002X",
      carriage: "05",
      seatNo: "12F",
      seatClass: "second",
      seatClassName: "二等座",
      price: 55300,
      status,
    },
    {
      ticketId: "ord_1-2",
      passengerName: "李四",
      idCardNoMasked: "440***********0013",
      carriage: "05",
      seatNo: "12D",
      seatClass: "second",
      seatClassName: "二等座",
      price: 55300,
      status,
    },
  ];
  return base.map((t, i) => ({ ...t, ...extra[i] }));
}

const TICKETS_OF: Record<OrderDetail["status"], TicketStatus> = {
  PENDING: "UNPAID",
  PAID: "ISSUED",
  PARTIALLY_REFUNDED: "ISSUED",
  REFUNDED: "REFUNDED",
  CLOSED: "CANCELLED",
};

export function orderDetail(overrides: Partial<OrderDetail> = {}): OrderDetail {
  const status = overrides.status ?? "PENDING";
  return {
    orderId: "ord_1",
    outTradeNo: "T20261127000001",
    status: "PENDING",
    amount: 110600,
    refundedAmount: 0,
    refunds: [],
    passengers: [
      { name: "张三", idCardNoMasked: "110***********002X" },
      { name: "李四", idCardNoMasked: "440***********0013" },
    ],
    train: {
      trainId: trainG1.trainId,
      trainNo: "G1",
      from: "北京南",
      to: "上海虹桥",
      date: "2026-11-28",
      departTime: "09:00",
      arriveTime: "13:28",
      seatClass: "second",
      seatClassName: "二等座",
    },
    tickets: tickets(TICKETS_OF[status]),
    departAt: Date.parse("2026-11-28T09:00:00+08:00"),
    createdAt: NOW - 60_000,
    expiresAt: NOW + 14 * 60_000,
    serverNow: Date.now(), // as the server answers: its clock now
    timeline: [{ at: NOW - 60_000, status: "PENDING", note: "下单" }],
    ...overrides,
  };
}

/** A paid order of two tickets, departing in two days. */
export function paidDetail(overrides: Partial<OrderDetail> = {}): OrderDetail {
  return orderDetail({
    status: "PAID",
    paidAt: NOW,
    departAt: NOW + 2 * 86_400_000,
    timeline: [
      { at: NOW - 60_000, status: "PENDING", note: "下单" },
      { at: NOW, status: "PAID", note: "支付成功" },
    ],
    ...overrides,
  });
}

/** 2026-11-30 20:00 China time: the server's clock in the date tests (a day before a month ends). */
export const SERVER_NOW = Date.parse("2026-11-30T20:00:00+08:00");

/** A train of the results list, built from a few facts (seats: [price, remaining] per class). */
export function trainOf(trainNo: string, departTime: string, durationMinutes: number, seats: [number, number][]): TrainView {
  const names = ["商务座", "一等座", "二等座"] as const;
  const codes = ["business", "first", "second"] as const;
  return {
    trainId: `${trainNo}-2026-11-30`,
    trainNo,
    from: "北京南",
    to: "上海虹桥",
    date: "2026-11-30",
    departTime,
    arriveTime: departTime,
    durationMinutes,
    seats: seats.map(([price, remaining], i) => ({ code: codes[i]!, name: names[i]!, price, remaining })),
  };
}
