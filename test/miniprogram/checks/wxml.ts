// A small WXML reader for static checks: elements with their attributes, line numbers and children.
// WXML is XML-shaped (every element closed or self-closed); attribute values may hold `{{ … }}`
// expressions with `<`/`>` inside quotes, and <wxs> holds script text, which this reader keeps as text.

export interface WxmlText {
  kind: "text";
  text: string;
  line: number;
}
export interface WxmlElement {
  kind: "element";
  tag: string;
  /** Attribute name → value ("" for a bare attribute such as `disabled`). */
  attrs: Map<string, string>;
  line: number;
  children: WxmlNode[];
}
export type WxmlNode = WxmlElement | WxmlText;

export class WxmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const SPACE = /\s*/y;

/** Parses a WXML document into its top-level nodes; throws WxmlSyntaxError on malformed markup. */
export function parseWxml(source: string): WxmlNode[] {
  const root: WxmlElement = { kind: "element", tag: "#root", attrs: new Map(), line: 1, children: [] };
  const stack: WxmlElement[] = [root];
  let pos = 0;
  let line = 1;
  const advanceTo = (next: number) => {
    for (let i = pos; i < next; i++) if (source.charCodeAt(i) === 10) line++;
    pos = next;
  };
  const top = () => stack[stack.length - 1]!;

  while (pos < source.length) {
    if (source.startsWith("<!--", pos)) {
      const end = source.indexOf("-->", pos + 4);
      if (end < 0) throw new WxmlSyntaxError("unterminated comment", line);
      advanceTo(end + 3);
    } else if (source.startsWith("</", pos)) {
      const startLine = line;
      const end = source.indexOf(">", pos);
      if (end < 0) throw new WxmlSyntaxError("unterminated closing tag", line);
      const tag = source.slice(pos + 2, end).trim();
      const open = stack.pop();
      if (!open || open === root || open.tag !== tag) {
        throw new WxmlSyntaxError(`</${tag}> does not close <${open?.tag ?? "nothing"}>`, startLine);
      }
      advanceTo(end + 1);
    } else if (source[pos] === "<") {
      const el = readStartTag();
      top().children.push(el.element);
      if (el.selfClosing) continue;
      if (el.element.tag === "wxs") {
        // inline script: text up to its closing tag, not markup
        const end = source.indexOf("</wxs>", pos);
        if (end < 0) throw new WxmlSyntaxError("unterminated <wxs>", el.element.line);
        el.element.children.push({ kind: "text", text: source.slice(pos, end), line });
        advanceTo(end + "</wxs>".length);
        continue;
      }
      stack.push(el.element);
    } else {
      const next = source.indexOf("<", pos);
      const end = next < 0 ? source.length : next;
      const text = source.slice(pos, end);
      if (text.trim()) top().children.push({ kind: "text", text, line: line + leadingNewlines(text) });
      advanceTo(end);
    }
  }
  if (stack.length > 1) throw new WxmlSyntaxError(`<${top().tag}> is never closed`, top().line);
  return root.children;

  function readStartTag(): { element: WxmlElement; selfClosing: boolean } {
    const startLine = line;
    advanceTo(pos + 1);
    const tag = readName();
    if (!tag) throw new WxmlSyntaxError("expected a tag name after <", startLine);
    const attrs = new Map<string, string>();
    for (;;) {
      skipSpace();
      if (source.startsWith("/>", pos)) {
        advanceTo(pos + 2);
        return { element: { kind: "element", tag, attrs, line: startLine, children: [] }, selfClosing: true };
      }
      if (source[pos] === ">") {
        advanceTo(pos + 1);
        return { element: { kind: "element", tag, attrs, line: startLine, children: [] }, selfClosing: false };
      }
      const name = readName();
      if (!name) throw new WxmlSyntaxError(`unexpected ${JSON.stringify(source[pos] ?? "end of file")} in <${tag}>`, line);
      skipSpace();
      let value = "";
      if (source[pos] === "=") {
        advanceTo(pos + 1);
        skipSpace();
        const quote = source[pos];
        if (quote !== '"' && quote !== "'") throw new WxmlSyntaxError(`value of ${name} in <${tag}> is not quoted`, line);
        const end = source.indexOf(quote, pos + 1);
        if (end < 0) throw new WxmlSyntaxError(`unterminated value of ${name} in <${tag}>`, line);
        value = source.slice(pos + 1, end);
        advanceTo(end + 1);
      }
      attrs.set(name, value);
    }
  }
  function readName(): string {
    NAME.lastIndex = pos;
    const m = NAME.exec(source);
    if (!m) return "";
    advanceTo(pos + m[0].length);
    return m[0];
  }
  function skipSpace(): void {
    SPACE.lastIndex = pos;
    advanceTo(pos + SPACE.exec(source)![0].length);
  }
}

function leadingNewlines(text: string): number {
  let n = 0;
  for (const ch of text) {
    if (ch === "\n") n++;
    else if (!/\s/.test(ch)) break;
  }
  return n;
}

/** Every element of a tree, depth first, in document order. */
export function* elements(nodes: readonly WxmlNode[]): Generator<WxmlElement> {
  for (const n of nodes) {
    if (n.kind !== "element") continue;
    yield n;
    yield* elements(n.children);
  }
}

/** The text content of a node (bindings kept as written), whitespace collapsed. */
export function textContent(node: WxmlNode): string {
  if (node.kind === "text") return node.text.replace(/\s+/g, " ").trim();
  return node.children
    .map(textContent)
    .filter((t) => t)
    .join(" ");
}
