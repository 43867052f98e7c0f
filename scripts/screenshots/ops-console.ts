// Dev-only: photographs each page of the operations console (docs/screenshots/ops-*.png) while
// walking the same case as the browser test (test/ops/console-driver.ts) on a fresh local stack.
// Not part of npm test. Needs Debian's chromium and fonts-noto-cjk (apt-get install chromium
// fonts-noto-cjk) and a build (`npm run screenshots:ops` builds first).
//
//   npm run screenshots:ops [-- --out DIR]
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { launchStack, REPO_ROOT } from "../../dev/launch";
import { launchChromium, seed, STACK_ENV, walkThrough } from "../../test/ops/console-driver";

const outFlag = process.argv.indexOf("--out");
const out = resolve(outFlag > 0 ? process.argv[outFlag + 1]! : join(REPO_ROOT, "docs", "screenshots"));
mkdirSync(out, { recursive: true });

/** Runs in the page (a function, not a string: the page's CSP forbids eval). Typed by hand because
 *  this file is compiled without the DOM library. */
function settled(): boolean {
  const doc = (globalThis as unknown as { document: { getAnimations(): Array<{ playState: string }>; querySelector(s: string): unknown } })
    .document;
  return doc.getAnimations().every((a) => a.playState !== "running") && !doc.querySelector(".el-button.is-loading");
}

const stack = await launchStack({ env: STACK_ENV });
const browser = await launchChromium();
try {
  const data = await seed(stack);
  await walkThrough(browser.page, stack, data, async (name, page) => {
    // Transitions finished and no button still spinning before the picture (the chart does not
    // animate: the browser asks for reduced motion).
    await page.waitForFunction(settled);
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    console.log(`${name}.png`);
  });
} finally {
  await browser.close();
  await stack.stop();
}
