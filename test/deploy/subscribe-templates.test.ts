// npm run doctor's check of the subscription template ids: unset or odd ids are warnings that name
// the variable; the value itself is never printed.
import { describe, expect, it } from "vitest";
import { checkSubscribeTemplates } from "../../scripts/doctor/subscribe-templates";

describe("doctor: subscription templates", () => {
  it("warns for each unset or malformed id, passes real-looking ones, never echoes a value", () => {
    const id = "GQkd0V-hbYkqe7fQ2yu1Yb7A9AHGfGvFzq8Zq6Qpl3A";
    const fs = checkSubscribeTemplates({ SUBSCRIBE_TPL_TICKET_ISSUED: id, SUBSCRIBE_TPL_REFUND_SUCCESS: "not an id!" });
    expect(fs.map((f) => [f.subject, f.level])).toEqual([
      ["SUBSCRIBE_TPL_TICKET_ISSUED", "ok"],
      ["SUBSCRIBE_TPL_REFUND_SUCCESS", "warn"],
      ["SUBSCRIBE_TPL_DEPARTURE_REMINDER", "warn"],
    ]);
    expect(JSON.stringify(fs)).not.toContain(id);
    expect(JSON.stringify(fs)).not.toContain("not an id!");
  });
});
