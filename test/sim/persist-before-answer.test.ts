// The simulator answers only what is on disk: when /sim/pay (or any state-changing call) writes its
// answer, the payment is already in the state file, so a kill -9 right after cannot take it back.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { ControlApi } from "../../dev/wxpay-sim/control-routes";
import { FaultBook } from "../../dev/wxpay-sim/faults";
import { Ledger } from "../../dev/wxpay-sim/ledger";
import type { Notifier } from "../../dev/wxpay-sim/notifier";
import { SimStore } from "../../dev/wxpay-sim/state";

const dir = mkdtempSync(join(tmpdir(), "sim-persist-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("/sim/pay writes its answer only after the payment is in the state file", async () => {
  const file = join(dir, "state.json");
  const store = new SimStore(file);
  // Only enqueue is used by the ledger; the notifier's network side is not under test here.
  const ledger = new Ledger(store, { enqueue: () => undefined } as unknown as Notifier, () => Date.now(), 1, 0);
  const now = Date.now();
  const prepay = ledger.prepay(
    {
      appid: "wx8888888888888888",
      mchid: "1900000109",
      description: "G1",
      out_trade_no: "TP0123456789abcdef01234567",
      notify_url: "http://127.0.0.1:9/n",
      amount: { total: 100, currency: "CNY" },
      payer: { openid: "o" },
      expiresAt: now + 600_000,
    },
    "key",
  );
  if (!prepay.ok) throw new Error("prepay refused");
  store.flush();

  let onDiskWhenAnswered: string | undefined;
  const res = {
    writeHead: () => {
      onDiskWhenAnswered = JSON.parse(readFileSync(file, "utf8")).orders.TP0123456789abcdef01234567.tradeState;
      return res;
    },
    end: () => res,
  } as unknown as ServerResponse;
  await new ControlApi(store, ledger, new FaultBook()).handle(
    "POST",
    new URL("http://sim/sim/pay"),
    Buffer.from(JSON.stringify({ prepay_id: prepay.value.prepay_id })),
    res,
  );
  expect(onDiskWhenAnswered).toBe("SUCCESS");
});
