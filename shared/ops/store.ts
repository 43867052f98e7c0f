// The console's collections, through the same typed Collection as the services use.
import { Collection } from "../store/db";
import { OPS_COLLECTIONS, type OperatorDoc, type OpsAuditDoc, type OpsResolutionDoc, type OpsSessionDoc } from "./model";

export const operators = new Collection<OperatorDoc>(OPS_COLLECTIONS.operators);
export const opsSessions = new Collection<OpsSessionDoc>(OPS_COLLECTIONS.sessions);
export const opsAudit = new Collection<OpsAuditDoc>(OPS_COLLECTIONS.audit);
export const opsResolutions = new Collection<OpsResolutionDoc>(OPS_COLLECTIONS.resolutions);
