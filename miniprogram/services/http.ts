// A promise around wx.request for the local stack (local development mode only).

export interface HttpAnswer {
  statusCode: number;
  data: unknown;
}

/** Resolves with any HTTP answer; rejects only when no answer arrived (network down, refused). */
export function postJson(url: string, body: object, headers: Record<string, string>): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    wx.request({
      url,
      method: "POST",
      data: body,
      header: { "content-type": "application/json", ...headers },
      dataType: "json",
      success: (res) => resolve({ statusCode: res.statusCode, data: res.data }),
      fail: (err) => reject(err),
    });
  });
}
