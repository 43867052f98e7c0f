// The CloudBase HTTP access (integration) event and answer, declared here because
// @cloudbase/functions-typings describes a different function kind.
export interface HttpEvent {
  path: string;
  httpMethod: string;
  headers: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string>;
  requestContext?: Record<string, unknown>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

export const noContent = (): HttpAnswer => ({ statusCode: 204, headers: {}, body: "", isBase64Encoded: false });

/** WeChat Pay reads this shape as "not received, send again". */
export const failAnswer = (statusCode: number, message: string): HttpAnswer => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ code: "FAIL", message }),
  isBase64Encoded: false,
});
