// What a screen reader would announce on a rendered page: the aria-role and aria-label each element
// ends up with once its data bindings are applied (read from the exparser node miniprogram-simulate
// drew the element for; the jsdom shell does not carry them).

interface ExparserNode {
  _vt?: { attrs?: { name: string; value: unknown }[] };
}
interface DomNode {
  nodeType: number;
  childNodes: Iterable<DomNode>;
  getAttribute?(name: string): string | null;
  __wxElement?: ExparserNode;
}

export interface Spoken {
  /** The element's classes without j-component's `main--` prefix. */
  classes: string;
  role: string;
  label: string;
}

export function spokenLabels(root: unknown): Spoken[] {
  const out: Spoken[] = [];
  const visit = (node: DomNode) => {
    if (node.nodeType !== 1) return;
    const attrs = new Map((node.__wxElement?._vt?.attrs ?? []).map((a) => [a.name, a.value]));
    if (attrs.has("ariaLabel") || attrs.has("ariaRole")) {
      out.push({
        classes: (node.getAttribute?.("class") ?? "").replace(/\bmain--/g, "").trim(),
        role: String(attrs.get("ariaRole") ?? ""),
        label: String(attrs.get("ariaLabel") ?? ""),
      });
    }
    for (const child of node.childNodes) visit(child);
  };
  visit(root as DomNode);
  return out;
}

/** Labels that would be read wrongly: empty, a missing value, or a gap where a value should be. */
export function labelProblems(spoken: readonly Spoken[]): string[] {
  return spoken
    .filter((s) => !s.role.trim() || !s.label.trim() || /undefined|null|NaN|\[object|\{\{|，，|^，|，$/.test(s.label))
    .map((s) => `.${s.classes.split(/\s+/)[0]}: role "${s.role}", label "${s.label}"`);
}
