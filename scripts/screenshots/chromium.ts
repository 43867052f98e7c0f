// Debian's Chromium driven by playwright-core (no browser is downloaded): where it is and the flags
// every headless run here uses (no sandbox in containers, nothing reaching the network on its own).
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
