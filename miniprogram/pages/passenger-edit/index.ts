// 添加 / 编辑常用乘车人: name, ID document type and number, ticket type, checked with the server's own
// rules (utils/passenger-rules.ts) before anything is sent; the server's field errors are marked on
// the input they name. Editing never shows the saved number (the server answers it masked): left
// empty, it stays. 删除 asks first.
import type { IdType, PassengersListResult, SavedPassenger, TicketType } from "../../../shared/contracts/api";
import { call } from "../../services/api";
import { errorMessage, fieldOf } from "../../services/errors";
import {
  checkIdNo,
  checkName,
  ID_TYPE_NAMES,
  ID_TYPES,
  idNoMessage,
  NAME_MESSAGES,
  normalizeIdNo,
  normalizeName,
  TICKET_TYPE_NAMES,
  TICKET_TYPES,
} from "../../utils/passenger-rules";
import { decodeQuery } from "../../utils/query";

type FieldKey = "name" | "idCardNo" | "ticketType";

Component({
  data: {
    passengerId: "",
    loading: false,
    loadError: "",
    name: "",
    idTypeIndex: 0,
    idCardNo: "",
    /** Editing: the saved number, masked (the placeholder says an empty field keeps it). */
    savedMasked: "",
    savedIdType: "" as "" | IdType,
    ticketTypeIndex: 0,
    idTypeNames: ID_TYPES.map((t) => ID_TYPE_NAMES[t]),
    ticketTypeNames: TICKET_TYPES.map((t) => TICKET_TYPE_NAMES[t]),
    nameError: "",
    idError: "",
    ticketTypeError: "",
    formError: "",
    saving: false,
    deleting: false,
  },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      const { passengerId } = decodeQuery(query);
      if (!passengerId) return;
      wx.setNavigationBarTitle?.({ title: "编辑乘车人" });
      this.setData({ passengerId, loading: true });
      try {
        const list = (await call("passengers", { action: "list" })) as PassengersListResult;
        const p = list.passengers.find((x) => x.passengerId === passengerId);
        if (!p) {
          this.setData({ loading: false, loadError: "该乘车人已不存在" });
          return;
        }
        this.fill(p);
      } catch (err) {
        this.setData({ loading: false, loadError: errorMessage(err) });
      }
    },

    fill(p: SavedPassenger) {
      this.setData({
        loading: false,
        name: p.name,
        idTypeIndex: ID_TYPES.indexOf(p.idType),
        savedIdType: p.idType,
        savedMasked: p.idCardNoMasked,
        ticketTypeIndex: TICKET_TYPES.indexOf(p.ticketType),
      });
    },

    onInput(e: WechatMiniprogram.Input) {
      const field = (e.currentTarget.dataset as { field: "name" | "idCardNo" }).field;
      this.setData({ [field]: e.detail.value, [field === "name" ? "nameError" : "idError"]: "", formError: "" });
    },

    onIdType(e: WechatMiniprogram.PickerChange) {
      this.setData({ idTypeIndex: Number(e.detail.value), idError: "", nameError: "" });
    },

    onTicketType(e: WechatMiniprogram.PickerChange) {
      this.setData({ ticketTypeIndex: Number(e.detail.value), ticketTypeError: "" });
    },

    idType(): IdType {
      return ID_TYPES[this.data.idTypeIndex] ?? "ID_CARD";
    },

    /** The page's own check (the server's rules); true when it may be sent. */
    validate(): boolean {
      const idType = this.idType();
      const nameProblem = checkName(this.data.name, idType);
      const keepNumber = this.data.passengerId !== "" && this.data.idCardNo.trim() === "" && idType === this.data.savedIdType;
      const idProblem = keepNumber ? null : checkIdNo(idType, this.data.idCardNo);
      this.setData({
        nameError: nameProblem ? NAME_MESSAGES[nameProblem] : "",
        idError: idProblem ? idNoMessage(idType, idProblem) : "",
      });
      return !nameProblem && !idProblem;
    },

    /** A refusal naming a field marks that input; anything else shows above the button. */
    markServerError(err: unknown) {
      const field = fieldOf(err) as FieldKey | undefined;
      const message = errorMessage(err);
      const key =
        field === "name" ? "nameError" : field === "idCardNo" ? "idError" : field === "ticketType" ? "ticketTypeError" : "formError";
      this.setData({ [key]: message });
    },

    async onSave() {
      if (this.data.saving || !this.validate()) return;
      const idType = this.idType();
      const ticketType: TicketType = TICKET_TYPES[this.data.ticketTypeIndex] ?? "ADULT";
      const name = normalizeName(this.data.name);
      const number = normalizeIdNo(this.data.idCardNo);
      this.setData({ saving: true, formError: "" });
      try {
        if (this.data.passengerId) {
          await call("passengers", {
            action: "update",
            passengerId: this.data.passengerId,
            name,
            idType,
            ticketType,
            ...(number ? { idCardNo: number } : {}),
          });
        } else {
          await call("passengers", { action: "add", name, idType, idCardNo: number, ticketType });
        }
        this.setData({ saving: false });
        wx.navigateBack();
      } catch (err) {
        this.setData({ saving: false });
        this.markServerError(err);
      }
    },

    async onDelete() {
      if (this.data.deleting || !this.data.passengerId) return;
      const choice = await wx.showModal({
        title: "删除乘车人",
        content: `删除 ${this.data.name}？`,
        confirmText: "删除",
        cancelText: "取消",
      });
      if (!choice.confirm) return;
      this.setData({ deleting: true });
      try {
        await call("passengers", { action: "delete", passengerId: this.data.passengerId });
        this.setData({ deleting: false });
        wx.navigateBack();
      } catch (err) {
        this.setData({ deleting: false, formError: errorMessage(err) });
      }
    },
  },
});
