// The console's collections, through the same typed Collection as the services' repositories, over
// whatever Database handle the caller has (the function's environment, the local stack, a test).
import type { Database } from "../store/database";
import { COLLECTIONS } from "../store/model";
import { Collection } from "../store/repos";
import type { OperatorDoc, OpsAuditDoc, OpsResolutionDoc, OpsSessionDoc } from "./model";

export interface OpsRepos {
  operators: Collection<OperatorDoc>;
  sessions: Collection<OpsSessionDoc>;
  audit: Collection<OpsAuditDoc>;
  resolutions: Collection<OpsResolutionDoc>;
}

export function createOpsRepos(db: Database): OpsRepos {
  return {
    operators: new Collection<OperatorDoc>(db, COLLECTIONS.operators),
    sessions: new Collection<OpsSessionDoc>(db, COLLECTIONS.opsSessions),
    audit: new Collection<OpsAuditDoc>(db, COLLECTIONS.opsAudit),
    resolutions: new Collection<OpsResolutionDoc>(db, COLLECTIONS.opsResolutions),
  };
}
