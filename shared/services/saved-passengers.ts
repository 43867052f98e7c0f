// 常用乘车人: a user's saved passengers (list / add / update / delete) and, for createOrder, the
// saved passengers behind `passengerIds`. Always the caller's own: another user's id is answered
// exactly like a missing one. The ID number is sealed, hashed and masked before it is stored
// (passengers/data-key.ts) and only ever opened for a booking.
import { randomBytes } from "node:crypto";
import type { SavedPassenger } from "../contracts/api";
import { AppError, invalidField } from "../errors";
import type { PassengerKeys } from "../passengers/data-key";
import { documentKey, type CheckedPassenger } from "../passengers/passenger-input";
import { maskIdNo } from "../../miniprogram/utils/passenger-rules";
import type { Caller } from "../runtime/identity";
import type { SavedPassengerDoc } from "../store/model";
import type { StoreDeps } from "./deps";

/** Saved passengers per user (12306 keeps the same number of 常用乘车人: docs/tickets.md). */
export const MAX_SAVED_PASSENGERS = 15;

export interface SavedPassengerDeps extends StoreDeps {
  passengerKeys(): PassengerKeys;
}

const NOT_FOUND = () => new AppError("NOT_FOUND", "未找到该乘车人");
const DUPLICATE = () => invalidField("idCardNo", "该证件的乘车人已保存，请勿重复添加");
const aadOf = (openid: string, doc: Pick<SavedPassengerDoc, "idType">) => `${openid}|${doc.idType}`;

export function savedView(d: SavedPassengerDoc): SavedPassenger {
  return {
    passengerId: d._id,
    name: d.name,
    idType: d.idType,
    idCardNoMasked: d.idNoMasked,
    ticketType: d.ticketType,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

/** All of a user's saved passengers, oldest first (one read; there are at most MAX + a few in flight). */
function ownDocs(deps: StoreDeps, openid: string): Promise<SavedPassengerDoc[]> {
  return deps.db.passengers.find({ openid }, { orderBy: ["createdAt", "asc"], limit: MAX_SAVED_PASSENGERS * 2 });
}

export async function listSaved(deps: StoreDeps, caller: Caller): Promise<SavedPassenger[]> {
  return (await ownDocs(deps, caller.openid)).map(savedView);
}

/** The document fields for a checked passenger's number, under the current key. */
function sealedFields(keys: PassengerKeys, openid: string, p: CheckedPassenger) {
  return {
    idNoSealed: keys.seal(p.idCardNo, aadOf(openid, p)),
    idNoHash: keys.hash(documentKey(p.idType, p.idCardNo)),
    idNoMasked: maskIdNo(p.idCardNo),
  };
}

/** Another of `docs` (not `self`) holding this document, under any configured key. */
function holder(keys: PassengerKeys, docs: SavedPassengerDoc[], p: Pick<CheckedPassenger, "idType" | "idCardNo">, self?: string) {
  const hashes = new Set(keys.hashes(documentKey(p.idType, p.idCardNo)));
  return docs.find((d) => d._id !== self && hashes.has(d.idNoHash));
}

export async function addSaved(deps: SavedPassengerDeps, caller: Caller, p: CheckedPassenger): Promise<SavedPassenger> {
  const keys = deps.passengerKeys();
  const before = await ownDocs(deps, caller.openid);
  if (holder(keys, before, p)) throw DUPLICATE();
  if (before.length >= MAX_SAVED_PASSENGERS) throw new AppError("CONFLICT", `最多保存 ${MAX_SAVED_PASSENGERS} 位乘车人，请先删除不常用的`);
  const now = deps.now();
  const doc: SavedPassengerDoc = {
    _id: randomBytes(12).toString("hex"),
    openid: caller.openid,
    name: p.name,
    idType: p.idType,
    ticketType: p.ticketType,
    ...sealedFields(keys, caller.openid, p),
    createdAt: now,
    updatedAt: now,
  };
  await deps.db.passengers.insert(doc);
  // Two adds at once (a double tap, two devices) both passed the check above: read again, and any
  // add that now sees a twin of its person, or more than the limit, takes itself back. At most one
  // of twins survives (possibly none: the user adds again). Over the limit counts all, not this
  // add's place by createdAt: an add that began earlier but wrote later must not push out one
  // that has already answered "saved".
  const after = await ownDocs(deps, caller.openid);
  if (holder(keys, after, p, doc._id) || after.length > MAX_SAVED_PASSENGERS) {
    await deps.db.passengers.remove({ _id: doc._id, openid: caller.openid });
    throw holder(keys, after, p, doc._id)
      ? DUPLICATE()
      : new AppError("CONFLICT", `最多保存 ${MAX_SAVED_PASSENGERS} 位乘车人，请先删除不常用的`);
  }
  return savedView(doc);
}

/** The number is left out to keep the saved one; the document type can change only with a number. */
export type SavedPassengerChange = Omit<CheckedPassenger, "idCardNo"> & { idCardNo?: string };

export async function updateSaved(
  deps: SavedPassengerDeps,
  caller: Caller,
  passengerId: string,
  change: SavedPassengerChange,
): Promise<SavedPassenger> {
  const keys = deps.passengerKeys();
  const docs = await ownDocs(deps, caller.openid);
  const current = docs.find((d) => d._id === passengerId);
  if (!current) throw NOT_FOUND();
  const set: Partial<SavedPassengerDoc> = { name: change.name, ticketType: change.ticketType, updatedAt: deps.now() };
  if (change.idCardNo === undefined && change.idType !== current.idType) throw invalidField("idCardNo", "更换证件类型请填写证件号码");
  if (change.idCardNo !== undefined) {
    const p = { ...change, idCardNo: change.idCardNo };
    if (holder(keys, docs, p, passengerId)) throw DUPLICATE();
    Object.assign(set, { idType: p.idType, ...sealedFields(keys, caller.openid, p) });
  }
  if ((await deps.db.passengers.update({ _id: passengerId, openid: caller.openid }, { $set: set })) !== 1) {
    // Nothing changed: removed meanwhile (or the very same values written twice).
    const now = await deps.db.passengers.get(passengerId);
    if (!now || now.openid !== caller.openid) throw NOT_FOUND();
    return savedView(now);
  }
  if (change.idCardNo !== undefined) await undoIfTwinned(deps, keys, caller.openid, current, set, { ...change, idCardNo: change.idCardNo });
  return savedView({ ...current, ...set });
}

/** An add (or another update) of the same document that raced this update: as addSaved does, read
 *  again and, when a twin is there now, put the passenger back as it was (unless changed since). */
async function undoIfTwinned(
  deps: StoreDeps,
  keys: PassengerKeys,
  openid: string,
  before: SavedPassengerDoc,
  set: Partial<SavedPassengerDoc>,
  p: CheckedPassenger,
): Promise<void> {
  if (!holder(keys, await ownDocs(deps, openid), p, before._id)) return;
  const { _id, openid: _owner, createdAt: _created, ...fields } = before;
  await deps.db.passengers.update({ _id, openid, idNoHash: set.idNoHash }, { $set: fields });
  throw DUPLICATE();
}

export async function deleteSaved(deps: StoreDeps, caller: Caller, passengerId: string): Promise<{ passengerId: string }> {
  if ((await deps.db.passengers.remove({ _id: passengerId, openid: caller.openid })) !== 1) throw NOT_FOUND();
  return { passengerId };
}

/** The caller's saved passengers behind `ids`, opened, in the order asked; one read. Any id that is
 *  not the caller's is refused as not found, naming its place ("passengerIds[1]"). */
export async function resolveSaved(deps: SavedPassengerDeps, caller: Caller, ids: string[]): Promise<CheckedPassenger[]> {
  const docs = await deps.db.passengers.find({ _id: { $in: ids }, openid: caller.openid });
  const byId = new Map(docs.map((d) => [d._id, d]));
  const missing = ids.findIndex((id) => !byId.has(id));
  if (missing >= 0) throw new AppError("NOT_FOUND", "未找到该乘车人，请刷新后重新选择", undefined, `passengerIds[${missing}]`);
  const keys = deps.passengerKeys();
  return ids.map((id) => {
    const d = byId.get(id)!;
    return { name: d.name, idType: d.idType, ticketType: d.ticketType, idCardNo: keys.open(d.idNoSealed, aadOf(caller.openid, d)) };
  });
}
