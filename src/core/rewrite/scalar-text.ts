import { parse, type Scalar } from "yaml";

// kustomize's YAML decoder (Go) drops every `_` from a plain scalar and then asks strconv whether it
// is a number: `0777` (octal), `1_000`, `0_x1F`, `0b101`, `0o17`, `1e10`, `.5`, `0x1p-2` all are.
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[0-9]+)$/;
const GO_FLOAT = /^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;
const GO_HEX_FLOAT = /^[-+]?0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*[pP][-+]?[0-9]+$/;

function goReadsAsNumber(value: string): boolean {
  const plain = value.replaceAll("_", "");
  return GO_INT.test(plain) || GO_FLOAT.test(plain) || GO_HEX_FLOAT.test(plain);
}

// A plain scalar that starts with a letter or `_` and holds only these characters is a string in
// YAML 1.1, YAML 1.2 and Go, unless it is one of the words below: numbers, dates and `.inf` start with
// a digit, sign or dot, and no indicator character can appear.
const SAFE_WORD = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
// The yaml library's YAML 1.1 schema reads an exponent without a mantissa (`e0`, `E12`) as a number.
const EXPONENT = /^[eE][-+]?[0-9]/;
const SPECIAL_WORDS = new Set([
  "y",
  "yes",
  "n",
  "no",
  "true",
  "false",
  "on",
  "off",
  "null",
  "inf",
  "infinity",
  "nan",
]);
const CACHE_LIMIT = 4096;
const cache = new Map<string, boolean>();

function readsAs(text: string, version: "1.1" | "1.2"): unknown {
  try {
    return parse(text, { version, strict: true, uniqueKeys: false });
  } catch {
    return undefined;
  }
}

/**
 * True when a plain (unquoted) scalar with this text would be read by YAML 1.1, YAML 1.2 or Go's
 * number parsing as anything but this exact string: `1234567`, `0123456`, `1e10`, `true`, `yes`,
 * `null`, `2024-01-01`, `12:30`, or text with YAML syntax in it.
 */
export function needsQuotes(value: string): boolean {
  if (SAFE_WORD.test(value) && !EXPONENT.test(value) && !SPECIAL_WORDS.has(value.toLowerCase())) return false;
  const known = cache.get(value);
  if (known !== undefined) return known;
  const answer =
    value === "" ||
    value.trim() !== value ||
    goReadsAsNumber(value) ||
    readsAs(value, "1.2") !== value ||
    readsAs(value, "1.1") !== value;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(value, answer);
  return answer;
}

export function doubleQuoted(value: string): string {
  return JSON.stringify(value);
}

function singleQuoted(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The source text for `value`, in the quoting style of the scalar it replaces where that stays correct. */
export function renderScalar(value: string, style?: Scalar.Type): string {
  if (style === "QUOTE_DOUBLE") return doubleQuoted(value);
  if (style === "QUOTE_SINGLE") return singleQuoted(value);
  return needsQuotes(value) ? doubleQuoted(value) : value;
}
