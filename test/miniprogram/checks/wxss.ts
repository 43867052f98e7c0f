// A small WXSS reader for static checks: style rules with their selectors, declarations and line
// numbers, and the @media condition they sit in. Whether a file is valid WXSS is the official wcsc's
// job (wcsc.ts); this reader only has to understand the files wcsc accepts.

export interface Declaration {
  property: string;
  value: string;
  important: boolean;
  line: number;
}
export interface StyleRule {
  selectors: string[];
  declarations: Declaration[];
  /** The enclosing @media condition ("(prefers-color-scheme: dark)"), or null at top level. */
  media: string | null;
  /** Set for rules inside other at-rules (@keyframes, @font-face): not element styles. */
  atRule: string | null;
  line: number;
}

/** Comments blanked out with spaces (newlines kept, so line numbers stay right). */
function blankComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " "));
}

export function parseWxss(source: string): StyleRule[] {
  const src = blankComments(source);
  const rules: StyleRule[] = [];
  const lineAt = (i: number) => src.slice(0, i).split("\n").length;
  parseBlock(0, src.length, null, null);
  return rules;

  function parseBlock(start: number, end: number, media: string | null, atRule: string | null): void {
    let pos = start;
    while (pos < end) {
      const open = src.indexOf("{", pos);
      const semi = src.indexOf(";", pos);
      if (open < 0 || open >= end) return; // trailing whitespace or a last statement such as @import
      if (semi >= 0 && semi < open && src.slice(pos, semi).trim().startsWith("@")) {
        pos = semi + 1; // @import "…";
        continue;
      }
      const prelude = src.slice(pos, open).trim();
      const close = matchingBrace(open);
      const preludeLine = lineAt(pos + (src.slice(pos, open).length - src.slice(pos, open).trimStart().length));
      if (prelude.startsWith("@media")) parseBlock(open + 1, close, prelude.slice("@media".length).trim(), atRule);
      else if (prelude.startsWith("@")) parseBlock(open + 1, close, media, prelude);
      else
        rules.push({
          selectors: prelude
            .split(",")
            .map((s) => s.trim().replace(/\s+/g, " "))
            .filter(Boolean),
          declarations: parseDeclarations(open + 1, close),
          media,
          atRule,
          line: preludeLine,
        });
      pos = close + 1;
    }
  }

  function matchingBrace(open: number): number {
    let depth = 0;
    for (let i = open; i < src.length; i++) {
      if (src[i] === "{") depth++;
      else if (src[i] === "}" && --depth === 0) return i;
    }
    throw new Error(`unbalanced { at line ${lineAt(open)}`);
  }

  function parseDeclarations(start: number, end: number): Declaration[] {
    const out: Declaration[] = [];
    let pos = start;
    for (const part of splitOutsideParens(src.slice(start, end))) {
      const colon = part.indexOf(":");
      const offset = pos + (part.length - part.trimStart().length);
      pos += part.length + 1;
      if (colon < 0 || !part.trim()) continue;
      let value = part.slice(colon + 1).trim();
      const important = /!\s*important$/i.test(value);
      if (important) value = value.replace(/!\s*important$/i, "").trim();
      out.push({ property: part.slice(0, colon).trim().toLowerCase(), value, important, line: lineAt(offset) });
    }
    return out;
  }
}

/** Splits declarations on `;` that are not inside parentheses (data URIs, url(…;…)). */
function splitOutsideParens(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "(") depth++;
    else if (body[i] === ")") depth--;
    else if (body[i] === ";" && depth === 0) {
      parts.push(body.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(body.slice(from));
  return parts;
}

/** The class names a selector's last compound names (".a .b.c:active" → ["b", "c"]). */
export function subjectClasses(selector: string): string[] {
  const last = selector.split(/[\s>+~]+/).pop() ?? "";
  return [...last.matchAll(/\.([-\w]+)/g)].map((m) => m[1]!);
}

/** Length in rpx of a WXSS length ("88rpx", "44px" at a 375 px wide screen); undefined otherwise. */
export function lengthInRpx(value: string): number | undefined {
  const m = /^(-?\d*\.?\d+)(rpx|px)$/.exec(value.trim());
  if (!m) return undefined;
  return m[2] === "rpx" ? Number(m[1]) : Number(m[1]) * 2;
}
