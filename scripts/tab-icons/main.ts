// Writes the tab-bar icons theme.json names (scripts/tab-icons/icons.ts draws them):
//   npx tsx scripts/tab-icons/main.ts
// test/miniprogram/theme.test.ts checks the committed files are what this draws.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tabIcons } from "./icons";

const mpRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "miniprogram");
const theme = JSON.parse(readFileSync(join(mpRoot, "theme.json"), "utf8"));
for (const [path, png] of tabIcons(theme)) {
  mkdirSync(dirname(join(mpRoot, path)), { recursive: true });
  writeFileSync(join(mpRoot, path), png);
  console.log(`${path}: ${png.length} bytes`);
}
