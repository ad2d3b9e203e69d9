/** Labels of an Argo CD application (`metadata.labels`). */
export type Labels = Readonly<Record<string, string>>;

type Requirement = (labels: Labels) => boolean;

const KEY = /^(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(?:[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/**
 * A Kubernetes label selector as Argo CD takes it (`argocd app list -l`), as a predicate over labels:
 * requirements separated by commas, all of which must hold: `k=v` (or `k==v`), `k!=v` (true when `k` is
 * absent too), `k` (present), `!k` (absent), `k in (a,b)`, `k notin (a,b)`. Undefined when the text is
 * not a selector (the caller matches nothing rather than everything).
 */
export function parseLabelSelector(text: string): ((labels: Labels) => boolean) | undefined {
  const parts = splitRequirements(text);
  if (parts === undefined || parts.length === 0) return undefined;
  const requirements: Requirement[] = [];
  for (const part of parts) {
    const requirement = parseRequirement(part.trim());
    if (!requirement) return undefined;
    requirements.push(requirement);
  }
  return (labels) => requirements.every((requirement) => requirement(labels));
}

/** The text split at each comma outside parentheses; undefined when the parentheses do not pair. */
function splitRequirements(text: string): string[] | undefined {
  const parts: string[] = [];
  let current = "";
  let open = false;
  for (const char of text) {
    if (char === "(") {
      if (open) return undefined;
      open = true;
    } else if (char === ")") {
      if (!open) return undefined;
      open = false;
    } else if (char === "," && !open) {
      parts.push(current);
      current = "";
      continue;
    }
    current += char;
  }
  if (open) return undefined;
  parts.push(current);
  return parts;
}

function parseRequirement(part: string): Requirement | undefined {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
  if (set) {
    const [, key = "", operator, list = ""] = set;
    const values = list.split(",").map((value) => value.trim());
    if (!KEY.test(key) || !values.every((value) => VALUE.test(value))) return undefined;
    return operator === "in"
      ? (labels) => has(labels, key) && values.includes(labels[key] ?? "")
      : (labels) => !has(labels, key) || !values.includes(labels[key] ?? "");
  }
  const compare = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
  if (compare) {
    const [, key = "", operator, value = ""] = compare;
    if (!KEY.test(key) || !VALUE.test(value)) return undefined;
    return operator === "!="
      ? (labels) => labels[key] !== value || !has(labels, key)
      : (labels) => has(labels, key) && labels[key] === value;
  }
  const absent = /^!\s*(\S+)$/.exec(part);
  if (absent) {
    const key = absent[1] ?? "";
    return KEY.test(key) ? (labels) => !has(labels, key) : undefined;
  }
  return KEY.test(part) ? (labels) => has(labels, part) : undefined;
}

function has(labels: Labels, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}
