// Whether calls go to CloudBase or to the local stack. Local development mode can only be on
// inside DevTools, so a build with the switch left on still talks to the cloud on a phone.
import { config } from "../config";

export function isLocalDev(): boolean {
  if (!config.localDev.enabled) return false;
  try {
    return wx.getSystemInfoSync().platform === "devtools";
  } catch {
    return false;
  }
}

export function localBaseUrl(): string {
  return config.localDev.baseUrl.replace(/\/+$/, "");
}
