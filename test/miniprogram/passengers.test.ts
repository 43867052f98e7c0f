// 常用乘车人 on the pages (official wcc): chips on 填写订单 select and deselect passengers and build
// the order (passengerIds, typed rows after them, the estimate by ticket type); a field the server
// names is marked on its input; the passenger-edit page adds, edits (number kept when left empty)
// and deletes, with the same rules as the server.
import "./dom-globals";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SavedPassenger } from "../../shared/contracts/api";
import { callsOf, installPlatform, ok, renderPage, settle, textOf, type Handler, type Rendered } from "./harness";
import { createOrderResult, trainG1, VALID_ID_1, VALID_ID_2 } from "./fixtures";
import { REPO_ROOT } from "../helpers/stack";

const QUERY = { trainId: trainG1.trainId, seatClass: "second", from: "北京南", to: "上海虹桥", date: "2026-11-28" };
const ZHANG: SavedPassenger = {
  passengerId: "a".repeat(24),
  name: "张三",
  idType: "ID_CARD",
  idCardNoMasked: "110***********002X",
  ticketType: "ADULT",
  createdAt: 1,
  updatedAt: 1,
};
const XIAO: SavedPassenger = {
  passengerId: "b".repeat(24),
  name: "阿依古丽·买买提",
  idType: "PASSPORT",
  idCardNoMasked: "E1*****78",
  ticketType: "STUDENT",
  createdAt: 2,
  updatedAt: 2,
};
const fieldError = (field: string, message: string) => ({ ok: false as const, error: { code: "INVALID_ARGUMENT", message, field } });

async function openBook(functions: Record<string, Handler> = {}) {
  const p = installPlatform({
    trains: () => ok({ trains: [trainG1] }),
    passengers: () => ok({ passengers: [ZHANG, XIAO], max: 15 }),
    ...functions,
  });
  const page = renderPage("pages/book/index");
  await page.instance.onLoad(QUERY);
  await settle();
  return { p, page };
}

const chips = (page: Rendered) => page.querySelectorAll(".saved-chip");
/** The rendered class list (the simulator's DOM is an HTML element underneath). */
const classOf = (r: { dom: unknown }) => (r.dom as { className?: string } | undefined)?.className ?? "";
const labels = (page: Rendered) => (page.data.saved as { label: string }[]).map((c) => c.label);
const BOOK_WXML = readFileSync(join(REPO_ROOT, "miniprogram", "pages", "book", "index.wxml"), "utf8").replace(/\s+/g, " ");
async function tap(page: Rendered, selector: string, n = 0) {
  page.querySelectorAll(selector)[n].dispatchEvent("tap");
  await settle();
}
async function type(page: Rendered, selector: string, n: number, value: string) {
  page.querySelectorAll(selector)[n].dispatchEvent("input", { detail: { value } });
  await settle();
}

describe("常用乘车人 chips (pages/book)", () => {
  it("tapping chips selects and deselects; the selected build the order with their ticket types", async () => {
    const { p, page } = await openBook({ createOrder: () => ok(createOrderResult()) });
    expect(chips(page)).toHaveLength(2);
    // With saved passengers, the page opens without a blank typed row; nothing chosen is said so.
    expect(page.querySelectorAll(".typed-passenger")).toHaveLength(0);
    await tap(page, ".submit");
    expect(textOf(page, ".form-error")).toBe("请选择或填写乘车人");
    // What a screen reader reads (the simulator drops aria-* from its DOM: the template binds them).
    expect(BOOK_WXML).toMatch(
      /class="chip saved-chip[^>]*aria-role="checkbox" aria-checked="\{\{item.selected\}\}" aria-label="\{\{item.label\}\}"/,
    );
    expect(labels(page)).toEqual(["张三，成人，未选", "阿依古丽·买买提，学生，未选"]);

    await tap(page, ".saved-chip", 0);
    await tap(page, ".saved-chip", 1);
    expect(labels(page)).toEqual(["张三，成人，已选", "阿依古丽·买买提，学生，已选"]);
    expect(classOf(chips(page)[1]!)).toContain("chip-on");
    expect(page.querySelectorAll(".selected-passenger")).toHaveLength(2);
    expect(textOf(page, ".selected-passenger")).toContain("110***********002X");
    // ¥553 + 75 % of it rounded to 0.5 yuan (414.75 → 415).
    expect(textOf(page, ".estimate")).toBe("¥968.00");
    expect(textOf(page, ".card-title")).toBe("乘车人（2/5）");

    await tap(page, ".saved-chip", 0); // deselect 张三
    expect(labels(page)[0]).toBe("张三，成人，未选");
    expect(textOf(page, ".estimate")).toBe("¥415.00");

    // A blank typed row added and left blank is not sent.
    await tap(page, ".add-passenger");
    await tap(page, ".submit");
    expect(callsOf(p, "createOrder")[0].data).toEqual({
      trainId: trainG1.trainId,
      seatClass: "second",
      passengerIds: [XIAO.passengerId],
      clientToken: expect.stringMatching(/^book-/),
    });
  });

  it("saved and typed passengers together: ids first, typed rows with non-default types", async () => {
    const { p, page } = await openBook({ createOrder: () => ok(createOrderResult()) });
    await tap(page, ".saved-chip", 0);
    await tap(page, ".add-passenger");
    await type(page, ".name-input", 0, "张小三");
    await type(page, ".id-input", 0, VALID_ID_2);
    page.querySelectorAll(".ticket-type-picker")[0].dispatchEvent("change", { detail: { value: 1 } }); // 儿童
    await settle();
    expect(textOf(page, ".estimate")).toBe("¥829.50"); // 553 + 276.5
    await tap(page, ".submit");
    expect(callsOf(p, "createOrder")[0].data).toMatchObject({
      passengerIds: [ZHANG.passengerId],
      passengers: [{ name: "张小三", idCardNo: VALID_ID_2, ticketType: "CHILD" }],
    });
  });

  it("a server field error is marked on the input it names (typed row, or the chosen chip)", async () => {
    let answer = fieldError("passengers[0].name", "姓名只能包含汉字、“·”，持护照的可填英文字母");
    const { page } = await openBook({ createOrder: () => answer });
    await tap(page, ".saved-chip", 0);
    await tap(page, ".add-passenger");
    await type(page, ".name-input", 0, "李四");
    await type(page, ".id-input", 0, VALID_ID_2);
    await tap(page, ".submit");
    expect(textOf(page, ".name-error")).toBe("姓名只能包含汉字、“·”，持护照的可填英文字母");
    expect(textOf(page, ".form-error")).toBe("请检查乘车人信息");
    expect(page.data.submitting).toBe(false);

    answer = fieldError("passengerIds[0]", "未找到该乘车人，请刷新后重新选择");
    await tap(page, ".submit");
    expect(textOf(page, ".saved-error")).toBe("未找到该乘车人，请刷新后重新选择");
    expect(classOf(chips(page)[0]!)).toContain("chip-error");
  });

  it("the page refuses what the server would, before sending: a Latin name on a 身份证, a bad 港澳通行证 number", async () => {
    const { p, page } = await openBook();
    await tap(page, ".add-passenger");
    await type(page, ".name-input", 0, "ZHANG SAN");
    await type(page, ".id-input", 0, VALID_ID_1);
    await tap(page, ".submit");
    expect(textOf(page, ".name-error")).toBe("该证件的姓名请填写汉字（英文姓名请选择护照）");
    page.querySelectorAll(".id-type-picker")[0].dispatchEvent("change", { detail: { value: 2 } }); // 港澳通行证
    await settle();
    await type(page, ".name-input", 0, "𠮷野家");
    await type(page, ".id-input", 0, "H1234567");
    await tap(page, ".submit");
    expect(textOf(page, ".name-error")).toBe("");
    expect(textOf(page, ".id-error")).toBe("港澳通行证号码应为 H 或 M 加 8 位或 10 位数字");
    expect(callsOf(p, "createOrder")).toHaveLength(0);
  });

  it("添加乘车人 opens the edit page; 编辑 opens it for that passenger", async () => {
    const { p, page } = await openBook();
    await tap(page, ".add-saved");
    await tap(page, ".saved-chip", 1);
    await tap(page, ".edit-saved");
    expect(p.navigations).toEqual(["/pages/passenger-edit/index", `/pages/passenger-edit/index?passengerId=${XIAO.passengerId}`]);
  });
});

describe("添加 / 编辑乘车人 (pages/passenger-edit)", () => {
  it("adds a passenger checked like the server, then goes back", async () => {
    const p = installPlatform({ passengers: (d: { action: string }) => ok(d.action === "add" ? ZHANG : { passengers: [], max: 15 }) });
    const page = renderPage("pages/passenger-edit/index");
    await page.instance.onLoad({});
    await settle();
    await type(page, ".name-input", 0, "·张三");
    await tap(page, ".save");
    expect(textOf(page, ".name-error")).toBe("“·”只能出现在两个字之间");
    expect(textOf(page, ".id-error")).toBe("请填写居民身份证号码");
    expect(callsOf(p, "passengers")).toHaveLength(0);

    await type(page, ".name-input", 0, "张三");
    await type(page, ".id-input", 0, VALID_ID_1.toLowerCase());
    page.querySelectorAll(".ticket-type-picker")[0].dispatchEvent("change", { detail: { value: 2 } }); // 学生
    await settle();
    await tap(page, ".save");
    expect(callsOf(p, "passengers")[0].data).toEqual({
      action: "add",
      name: "张三",
      idType: "ID_CARD",
      idCardNo: VALID_ID_1,
      ticketType: "STUDENT",
    });
    expect(p.navigations).toEqual(["back"]);
  });

  it("edits without showing the number (left empty it stays), marks the server's field error, deletes after asking", async () => {
    let updateAnswer: unknown = fieldError("name", "姓名至少 2 个字");
    const p = installPlatform({
      passengers: (d: { action: string }) => {
        if (d.action === "list") return ok({ passengers: [ZHANG, XIAO], max: 15 });
        if (d.action === "update") return updateAnswer;
        return ok({ passengerId: XIAO.passengerId });
      },
    });
    const page = renderPage("pages/passenger-edit/index");
    await page.instance.onLoad({ passengerId: XIAO.passengerId });
    await settle();
    expect(page.data.name).toBe("阿依古丽·买买提");
    expect(textOf(page, ".id-type")).toContain("护照");
    expect(page.data.savedMasked).toBe("E1*****78"); // the placeholder says: left empty, it stays

    await tap(page, ".save");
    expect(callsOf(p, "passengers")[1].data).toEqual({
      action: "update",
      passengerId: XIAO.passengerId,
      name: "阿依古丽·买买提",
      idType: "PASSPORT",
      ticketType: "STUDENT",
    });
    expect(textOf(page, ".name-error")).toBe("姓名至少 2 个字");
    expect(p.navigations).toEqual([]);

    updateAnswer = ok(XIAO);
    await tap(page, ".save");
    expect(p.navigations).toEqual(["back"]);

    p.modalConfirm = false;
    await tap(page, ".delete");
    expect(callsOf(p, "passengers").filter((c) => c.data.action === "delete")).toHaveLength(0);
    p.modalConfirm = true;
    await tap(page, ".delete");
    expect(callsOf(p, "passengers").filter((c) => c.data.action === "delete")[0].data).toEqual({
      action: "delete",
      passengerId: XIAO.passengerId,
    });
    expect(p.navigations).toEqual(["back", "back"]);
  });
});
