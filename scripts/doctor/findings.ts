// What a doctor check reports: a subject (the variable, file or function concerned), a Chinese
// sentence, and for a problem the fix. Never a value: messages name things and quote only what is
// not secret (paths, byte counts, dates, certificate serials).
export type Level = "ok" | "warn" | "error";

export interface Finding {
  level: Level;
  subject: string;
  text: string;
  fix?: string;
}

export const ok = (subject: string, text: string): Finding => ({ level: "ok", subject, text });
export const warn = (subject: string, text: string, fix?: string): Finding => ({ level: "warn", subject, text, ...(fix ? { fix } : {}) });
export const error = (subject: string, text: string, fix?: string): Finding => ({ level: "error", subject, text, ...(fix ? { fix } : {}) });

const MARK: Record<Level, string> = { ok: "✓", warn: "!", error: "✗" };

export function formatFindings(title: string, findings: readonly Finding[]): string {
  const lines = [title];
  for (const f of findings) {
    lines.push(`  ${MARK[f.level]} ${f.subject}：${f.text}`);
    if (f.fix) lines.push(`      修复：${f.fix}`);
  }
  const errors = findings.filter((f) => f.level === "error").length;
  const warnings = findings.filter((f) => f.level === "warn").length;
  lines.push(
    errors
      ? `结果：${errors} 项错误${warnings ? `，${warnings} 项警告` : ""}，请先修复再部署`
      : `结果：通过${warnings ? `（${warnings} 项警告）` : ""}`,
  );
  return lines.join("\n") + "\n";
}

export const hasErrors = (findings: readonly Finding[]): boolean => findings.some((f) => f.level === "error");
