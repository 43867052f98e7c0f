// The console in a real browser (Debian's Chromium through playwright-core) against the local stack
// and the simulator: log in, find an order by transaction_id, refund part of it, re-route an
// ABNORMAL refund and see the queue clear, see a reconciliation discrepancy, log out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDatabase } from "../../dev/local-sdk";
import { startTestStack, type TestStack } from "../helpers/stack";
import { launchChromium, MARKUP_NAME, seed, STACK_ENV, walkThrough } from "./console-driver";

let stack: TestStack;
let browser: Awaited<ReturnType<typeof launchChromium>>;
beforeAll(async () => {
  stack = await startTestStack({ env: STACK_ENV });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("the operations console in Chromium", () => {
  it("walks a support case, an ABNORMAL refund and a reconciliation from login to logout", { timeout: 120_000 }, async () => {
    const data = await seed(stack);
    const { page } = browser;
    const dialogs: string[] = [];
    const pageErrors: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on("pageerror", (e) => pageErrors.push(e.message));

    const seen: string[] = [];
    await walkThrough(page, stack, data, async (name) => {
      seen.push(name);
      if (name === "ops-order") {
        // The name with markup is shown as the text it is: no element made from it, nothing ran.
        const cell = page.locator(".passengers-table .el-table__row").first();
        expect(await cell.textContent()).toContain(MARKUP_NAME);
        expect(await page.locator(".passengers-table img").count()).toBe(0);
      }
    });
    expect(seen).toEqual([
      "ops-login",
      "ops-overview",
      "ops-orders",
      "ops-refund-dialog",
      "ops-order",
      "ops-exceptions",
      "ops-reroute-dialog",
      "ops-exceptions-cleared",
      "ops-reconciliation",
      "ops-operators",
    ]);

    // Functions run in the page, typed by hand (this file is compiled without the DOM library).
    expect(await page.evaluate(() => typeof (globalThis as { __xss?: unknown }).__xss)).toBe("undefined");
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    // Logged out for real: the old cookie no longer opens anything.
    expect(await page.evaluate(() => fetch("/ops/api/session").then((r) => r.status))).toBe(401);
    expect((await browser.context.cookies()).filter((c) => c.name === "ops_session")).toEqual([]);

    // What the clicks did, as stored.
    const db = localDatabase(stack.connection, { inspection: true });
    const refunds = (await db.collection("refunds").where({ orderId: data.paid.orderId }).get()).data as Array<{
      amount: number;
      reason: string;
    }>;
    expect(refunds.map((r) => [r.amount, r.reason])).toEqual([[1000, "旅客改签，退差价"]]);
    const abnormal = (await db.collection("refunds").where({ orderId: data.abnormal.orderId }).get()).data as Array<{ status: string }>;
    expect(abnormal.map((r) => r.status)).toEqual(["SUCCESS"]);
    const audit = (await db.collection("ops_audit").where({ operator: "admin" }).get()).data as Array<{ action: string; outcome: string }>;
    expect(audit.map((a) => `${a.action}:${a.outcome}`).sort()).toEqual(["reconcile.run:ok", "refund.manual:ok", "refund.reroute:ok"]);
  });
});
