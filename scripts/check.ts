// `npm test` after the build: the type check (`tsc -b`) and the lint (`biome check .`) run beside
// `vitest run`, at a lower CPU priority, so they use the time the test suite leaves idle (its stack
// suites wait on other processes) instead of adding their own ~15 s (type check without its cache)
// in front of it. Vitest's output streams as usual; then one line per check, with its output when it
// failed. Arguments go to vitest (`npm test -- --reporter=json …`). The exit code is
// the first failure's: vitest's, then the type check's, then the lint's.
import { spawn } from "node:child_process";
import { setPriority } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);

interface Done {
  name: string;
  code: number;
  output: string;
}

/** A check with its output captured, reniced so the test suite keeps the CPU it asks for. */
function background(name: string, command: string, args: string[]): Promise<Done> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, 10);
      } catch {
        // Not allowed here: it only runs at the same priority.
      }
    }
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", (e) => resolve({ name, code: 1, output: `${output}${e.message}\n` }));
    child.on("exit", (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0), output }));
  });
}

function foreground(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit" });
    child.on("error", () => resolve(1));
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const checks = [
  background("npm run typecheck (tsc -b)", bin("tsc"), ["-b"]),
  background("npm run lint (biome check .)", bin("biome"), ["check", "."]),
];
const tests = await foreground(bin("vitest"), ["run", ...process.argv.slice(2)]);
const done = await Promise.all(checks);
for (const d of done) {
  process.stdout.write(`\n==> ${d.name}: ${d.code === 0 ? "passed" : `FAILED (exit ${d.code})`}\n`);
  if (d.code !== 0) process.stdout.write(d.output.endsWith("\n") ? d.output : `${d.output}\n`);
}
process.exit([tests, ...done.map((d) => d.code)].find((c) => c !== 0) ?? 0);
