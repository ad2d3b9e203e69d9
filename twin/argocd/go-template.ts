/**
 * The subset of Go's text/template (with Sprig's `toJson`) that Argo CD Notifications templates of this
 * project use: `{{.a.b}}`, `{{toJson .a.b}}`, `{{if X}}..{{else}}..{{end}}`, `{{with X}}..{{else}}..{{end}}`,
 * `$` for the root and `{{-`/`-}}` trimming, with Go's semantics for a missing map key (`<no value>`,
 * toJson `null`) and for a field of a nil value (an error). Anything else is refused when parsed, loudly,
 * so a template the twin cannot evaluate fails a test rather than rendering something Argo CD would not.
 */

/** A value in the template's data: JSON, plus MISSING for a map key that is not there (Go's invalid Value). */
const MISSING: unique symbol = Symbol("missing");
type Value = unknown;

type Arg = { kind: "field"; root: "dot" | "dollar"; path: readonly string[]; source: string };
type Pipeline = { kind: "arg"; arg: Arg; source: string } | { kind: "toJson"; arg: Arg; source: string };

type Node =
  | { kind: "text"; text: string }
  | { kind: "print"; pipe: Pipeline }
  | { kind: "if" | "with"; pipe: Pipeline; then: Node[]; otherwise: Node[] };

export class GoTemplateError extends Error {}

interface Token {
  readonly kind: "text" | "action";
  readonly text: string;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let rest = source;
  while (rest.length > 0) {
    const open = rest.indexOf("{{");
    if (open < 0) {
      tokens.push({ kind: "text", text: rest });
      break;
    }
    let text = rest.slice(0, open);
    const close = rest.indexOf("}}", open + 2);
    if (close < 0)
      throw new GoTemplateError(
        `template: unclosed action in ${JSON.stringify(rest.slice(open, open + 40))}`,
      );
    let inner = rest.slice(open + 2, close);
    if (inner.startsWith("- ")) {
      text = text.replace(/\s+$/, "");
      inner = inner.slice(2);
    }
    let after = rest.slice(close + 2);
    if (inner.endsWith(" -")) {
      inner = inner.slice(0, -2);
      after = after.replace(/^\s+/, "");
    }
    if (text !== "") tokens.push({ kind: "text", text });
    tokens.push({ kind: "action", text: inner.trim() });
    rest = after;
  }
  return tokens;
}

function parseArg(text: string): Arg {
  if (text === ".") return { kind: "field", root: "dot", path: [], source: text };
  if (text === "$") return { kind: "field", root: "dollar", path: [], source: text };
  const match = /^(\$)?((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/.exec(text);
  if (!match) throw new GoTemplateError(`go-template (twin subset): unsupported argument \`${text}\``);
  return {
    kind: "field",
    root: match[1] ? "dollar" : "dot",
    path: (match[2] ?? "").split(".").slice(1),
    source: text,
  };
}

function parsePipeline(text: string): Pipeline {
  const words = text.split(/\s+/);
  if (words.length === 1) return { kind: "arg", arg: parseArg(words[0] ?? ""), source: text };
  if (words.length === 2 && words[0] === "toJson")
    return { kind: "toJson", arg: parseArg(words[1] ?? ""), source: text };
  throw new GoTemplateError(`go-template (twin subset): unsupported pipeline \`${text}\``);
}

function parseNodes(
  tokens: Token[],
  position: { i: number },
  inBlock: boolean,
): { nodes: Node[]; end: "end" | "else" | "eof" } {
  const nodes: Node[] = [];
  while (position.i < tokens.length) {
    const token = tokens[position.i]!;
    position.i += 1;
    if (token.kind === "text") {
      nodes.push({ kind: "text", text: token.text });
      continue;
    }
    const action = token.text;
    if (action === "end" || action === "else") {
      if (!inBlock) throw new GoTemplateError(`template: unexpected {{${action}}}`);
      return { nodes, end: action };
    }
    const block = /^(if|with)\s+(.+)$/.exec(action);
    if (block) {
      const pipe = parsePipeline(block[2] ?? "");
      const then = parseNodes(tokens, position, true);
      let otherwise: Node[] = [];
      if (then.end === "else") {
        const rest = parseNodes(tokens, position, true);
        if (rest.end !== "end")
          throw new GoTemplateError(`template: expected {{end}} after {{else}} of {{${action}}}`);
        otherwise = rest.nodes;
      } else if (then.end !== "end") throw new GoTemplateError(`template: unexpected EOF in {{${action}}}`);
      nodes.push({ kind: block[1] as "if" | "with", pipe, then: then.nodes, otherwise });
      continue;
    }
    nodes.push({ kind: "print", pipe: parsePipeline(action) });
  }
  if (inBlock) return { nodes, end: "eof" };
  return { nodes, end: "eof" };
}

/** A parsed template; `execute` renders it or throws a GoTemplateError as Go's Execute would return one. */
export interface GoTemplate {
  execute(data: Value): string;
}

export function parseGoTemplate(name: string, source: string): GoTemplate {
  const parsed = parseNodes(tokenize(source), { i: 0 }, false);
  return {
    execute: (data) => {
      let out = "";
      const write = (text: string): void => {
        out += text;
      };
      run(name, parsed.nodes, data, data, write);
      return out;
    },
  };
}

function fieldChain(name: string, arg: Arg, dot: Value, root: Value): Value {
  let receiver: Value = arg.root === "dollar" ? root : dot;
  for (const field of arg.path) {
    if (receiver === MISSING || receiver === undefined) return MISSING; // Go: zero value, no error (missingkey=default)
    const fail = (message: string): never => {
      throw new GoTemplateError(`template: ${name}: executing "${name}" at <${arg.source}>: ${message}`);
    };
    if (receiver === null) fail(`nil pointer evaluating interface {}.${field}`);
    if (typeof receiver !== "object" || Array.isArray(receiver))
      fail(`can't evaluate field ${field} in type interface {}`);
    const object = receiver as Record<string, unknown>;
    receiver = Object.hasOwn(object, field) ? object[field] : MISSING;
  }
  return receiver;
}

function evaluate(name: string, pipe: Pipeline, dot: Value, root: Value): Value {
  const value = fieldChain(name, pipe.arg, dot, root);
  return pipe.kind === "toJson" ? { [TO_JSON]: goJson(value) } : value;
}

const TO_JSON = Symbol("toJson");

function truth(value: Value): boolean {
  if (value === MISSING || value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return Boolean(value);
}

function run(
  name: string,
  nodes: readonly Node[],
  dot: Value,
  root: Value,
  write: (text: string) => void,
): void {
  for (const node of nodes) {
    if (node.kind === "text") write(node.text);
    else if (node.kind === "print") write(goPrint(evaluate(name, node.pipe, dot, root)));
    else {
      const value = evaluate(name, node.pipe, dot, root);
      const chosen = truth(value) ? node.then : node.otherwise;
      run(name, chosen, node.kind === "with" && truth(value) ? value : dot, root, write);
    }
  }
}

function goNumber(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e21
    ? String(value)
    : String(value).replace("e+", "e+");
}

/** Go's fmt `%v` of a JSON value (as text/template prints it). */
function goPrint(value: Value): string {
  if (value !== null && typeof value === "object" && TO_JSON in value)
    return String((value as Record<symbol, string>)[TO_JSON]);
  if (value === MISSING || value === undefined) return "<no value>";
  if (value === null) return "<nil>";
  if (typeof value === "number") return goNumber(value);
  if (Array.isArray(value)) return `[${value.map(goPrint).join(" ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `map[${entries.map(([key, item]) => `${key}:${goPrint(item)}`).join(" ")}]`;
  }
  return String(value);
}

/** Go's `json.Marshal` (Sprig's toJson): map keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped. */
export function goJson(value: Value): string {
  const sorted = (item: Value): Value => {
    if (item === MISSING || item === undefined) return null;
    if (Array.isArray(item)) return item.map(sorted);
    if (item !== null && typeof item === "object") {
      const keys = Object.keys(item).sort();
      return Object.fromEntries(keys.map((key) => [key, sorted((item as Record<string, unknown>)[key])]));
    }
    return item;
  };
  return JSON.stringify(sorted(value))
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}
