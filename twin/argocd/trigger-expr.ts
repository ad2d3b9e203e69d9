/**
 * The forms of expr-lang (the language of Argo CD Notifications' `when` conditions) this project's triggers
 * use: field paths (`app.status.health.status`, `?.`), string literals, `nil`, `==`, `!=`, `in [...]` and `and`.
 * Anything else throws when parsed, so a trigger the twin cannot evaluate fails a test instead of being
 * guessed at. Evaluation follows expr-lang: a missing map key is nil; a field of nil is an error
 * (`cannot fetch phase from <nil>`); `and` stops at the first false.
 */

type Operand =
  { kind: "path"; path: readonly Segment[] } | { kind: "string"; value: string } | { kind: "nil" };
type Comparison =
  | { kind: "compare"; op: "==" | "!="; left: Operand; right: Operand }
  | { kind: "in"; left: Operand; list: readonly string[] };

export interface TriggerCondition {
  readonly source: string;
  evaluate(env: Record<string, unknown>): boolean;
}

export class ExprError extends Error {}

/** A field of a path; `optional` for `?.`, which gives nil instead of failing on a nil receiver. */
interface Segment {
  readonly field: string;
  readonly optional: boolean;
}

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\??\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function segments(token: string): Segment[] {
  return token.split(/(?=\?\.)|(?<!\?)(?=\.)/).map((part, index) => {
    if (index === 0) return { field: part, optional: false };
    const optional = part.startsWith("?.");
    return { field: part.slice(optional ? 2 : 1), optional };
  });
}

/** Reads a field path (`app.status.operationState?.syncResult?.revision`) as expr-lang does. */
export function readPath(path: readonly Segment[], env: Record<string, unknown>): unknown {
  let current: unknown = env;
  for (const { field, optional } of path) {
    if (current === null || current === undefined) {
      if (optional) return null;
      throw new ExprError(`cannot fetch ${field} from <nil>`);
    }
    if (typeof current !== "object" || Array.isArray(current))
      throw new ExprError(`cannot fetch ${field} from ${typeof current}`);
    const next = (current as Record<string, unknown>)[field];
    current = next === undefined ? null : next;
  }
  return current;
}

/** A value expression (`oncePer`): a field path only. */
export function parsePath(source: string): (env: Record<string, unknown>) => unknown {
  const text = source.trim();
  if (!PATH.test(text)) throw new ExprError(`expr (twin subset): unsupported value expression \`${source}\``);
  const path = segments(text);
  return (env) => readPath(path, env);
}

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  const pattern =
    /\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|==|!=|\[|\]|,|[A-Za-z_][A-Za-z0-9_]*(?:\??\.[A-Za-z_][A-Za-z0-9_]*)*|\S)/gy;
  let match: RegExpExecArray | null;
  let end = 0;
  while ((match = pattern.exec(source)) !== null) {
    tokens.push(match[1] ?? "");
    end = pattern.lastIndex;
  }
  if (source.slice(end).trim() !== "") throw new ExprError(`expr (twin subset): cannot read ${source}`);
  return tokens;
}

function unquote(token: string): string {
  return token.slice(1, -1).replace(/\\(.)/g, "$1");
}

export function parseCondition(source: string): TriggerCondition {
  const tokens = tokenize(source);
  let i = 0;
  const refuse = (what: string): never => {
    throw new ExprError(`expr (twin subset): unsupported ${what} in \`${source}\``);
  };
  const operand = (): Operand => {
    const token = tokens[i++] ?? refuse("end of expression");
    if (token === "nil") return { kind: "nil" };
    if (/^['"]/.test(token)) return { kind: "string", value: unquote(token) };
    if (PATH.test(token) && !["and", "in", "or", "not"].includes(token))
      return { kind: "path", path: segments(token) };
    return refuse(`token \`${token}\``);
  };
  const comparison = (): Comparison => {
    const left = operand();
    const op = tokens[i++];
    if (op === "==" || op === "!=") return { kind: "compare", op, left, right: operand() };
    if (op === "in") {
      if (tokens[i++] !== "[") refuse("`in` without a list");
      const list: string[] = [];
      while (tokens[i] !== "]") {
        const item = operand();
        if (item.kind !== "string") refuse("non-string list item");
        list.push((item as { value: string }).value);
        if (tokens[i] === ",") i += 1;
        else if (tokens[i] !== "]") refuse(`token \`${tokens[i] ?? "end"}\` in a list`);
      }
      i += 1;
      return { kind: "in", left, list };
    }
    return refuse(`operator \`${op ?? "end of expression"}\``);
  };
  const terms = [comparison()];
  while (i < tokens.length) {
    if (tokens[i++] !== "and") refuse(`token \`${tokens[i - 1]}\``);
    terms.push(comparison());
  }
  return {
    source,
    evaluate: (env) =>
      terms.every((term) => {
        const left = value(term.left, env);
        if (term.kind === "in") return typeof left === "string" && term.list.includes(left);
        const equal = left === value(term.right, env);
        return term.op === "==" ? equal : !equal;
      }),
  };
}

function value(operand: Operand, env: Record<string, unknown>): unknown {
  if (operand.kind === "nil") return null;
  if (operand.kind === "string") return operand.value;
  return readPath(operand.path, env);
}
