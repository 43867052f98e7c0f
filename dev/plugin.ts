// How the local stack is extended (the WeChat Pay simulator is one plugin). Dev-only code.
import type { IncomingMessage, ServerResponse } from "node:http";

export interface StackContext {
  /** http://127.0.0.1:<port>, known once the server listens. */
  baseUrl: string;
  dataDir: string;
}

export interface StackPlugin {
  name: string;
  /** Called once after the server listens, before `ready …` is printed. */
  start?(ctx: StackContext): Promise<void> | void;
  /** Environment variables given to every function instance (e.g. WECHAT_* for the dev keys). */
  functionEnv?(): Record<string, string>;
  /** Answers the request and resolves true if the path is the plugin's; false to pass it on.
   *  `body` is the whole request body, already read within the stack's size limit. */
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer, url: URL): Promise<boolean>;
  /** Stops timers and pending deliveries. */
  close?(): Promise<void>;
}
