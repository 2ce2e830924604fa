/** What a PromQL expression (or an input series) refers to: metric names, label names, functions. */

const NAME = /\bretail_[a-z0-9_]+\b/g;

export function metricNames(text: string): string[] {
  return [...new Set(text.match(NAME) ?? [])];
}

/** `metric{a="x", b=~"y"}` → [metric, [a, b]] for every selector with matchers. */
export function selectors(expr: string): { metric: string; labels: string[] }[] {
  return [...expr.matchAll(/\b(retail_[a-z0-9_]+)\s*\{([^}]*)\}/g)].map((m) => ({
    metric: m[1]!,
    labels: [...m[2]!.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]!),
  }));
}

/** Labels named in by/without/on/ignoring/group_left/group_right clauses. */
export function groupingLabels(expr: string): string[] {
  return [...expr.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)].flatMap(
    (m) =>
      m[1]!
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
  );
}

/** Metric names passed straight to a range function: `rate(x[...])`, `rate(x{...}[...])`. */
export function rangeFunctionArgs(expr: string): { fn: string; metric: string }[] {
  return [
    ...expr.matchAll(/\b(rate|irate|increase|delta|deriv|changes|resets)\(\s*(retail_[a-z0-9_]+)\s*[{[]/g),
  ].map((m) => ({ fn: m[1]!, metric: m[2]! }));
}
