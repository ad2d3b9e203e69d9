/** One requirement of a Kubernetes label selector (`k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`). */
interface Requirement {
  readonly key: string;
  readonly op: "=" | "!=" | "exists" | "!exists" | "in" | "notin";
  readonly values: readonly string[];
}

export type LabelSelector = readonly Requirement[];

// Kubernetes' label key: an optional DNS prefix and a name of at most 63 characters.
const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Splits at commas outside parentheses. */
function terms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "(") depth += 1;
    if (char === ")") depth -= 1;
    if (char === "," && depth === 0) {
      out.push(current);
      current = "";
    } else current += char;
  }
  out.push(current);
  return out.map((term) => term.trim());
}

function checked(key: string, values: readonly string[], term: string): void {
  if (!KEY.test(key)) throw new Error(`unable to parse requirement: invalid label key "${key}" in "${term}"`);
  for (const value of values) {
    if (!VALUE.test(value))
      throw new Error(`unable to parse requirement: invalid label value "${value}" in "${term}"`);
  }
}

/** Parses a label selector as `labels.Parse` does for these forms; throws on anything else. */
export function parseLabelSelector(text: string): LabelSelector {
  if (text.trim() === "") return [];
  return terms(text).map((term): Requirement => {
    const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (set) {
      const values = (set[3] ?? "").split(",").map((value) => value.trim());
      checked(set[1] ?? "", values, term);
      return { key: set[1] ?? "", op: set[2] as "in" | "notin", values };
    }
    const compare = /^([^=!\s]+)\s*(==|!=|=)\s*(\S*)$/.exec(term);
    if (compare) {
      const value = compare[3] ?? "";
      checked(compare[1] ?? "", [value], term);
      return { key: compare[1] ?? "", op: compare[2] === "!=" ? "!=" : "=", values: [value] };
    }
    const negated = /^!\s*(\S+)$/.exec(term);
    if (negated) {
      checked(negated[1] ?? "", [], term);
      return { key: negated[1] ?? "", op: "!exists", values: [] };
    }
    checked(term, [], term);
    return { key: term, op: "exists", values: [] };
  });
}

export function matchesSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return selector.every((requirement) => {
    const value = labels[requirement.key];
    switch (requirement.op) {
      case "=":
        return value === requirement.values[0];
      case "!=":
        return value !== requirement.values[0];
      case "exists":
        return value !== undefined;
      case "!exists":
        return value === undefined;
      case "in":
        return value !== undefined && requirement.values.includes(value);
      case "notin":
        return value === undefined || !requirement.values.includes(value);
    }
    return false;
  });
}
