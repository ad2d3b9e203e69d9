import { parse, type Scalar } from "yaml";

// Go's strconv, which kustomize's YAML decoder uses for plain scalars, reads these as numbers:
// `0777` (octal), `1_000`, `0x1F`, `0b101`, `0o17`, `1e10`, `.5`, `0x1p-2`.
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*)$/;
const GO_FLOAT = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9_]+)?$/;
const GO_HEX_FLOAT = /^[-+]?0[xX][0-9a-fA-F_]*\.?[0-9a-fA-F_]*[pP][-+]?[0-9_]+$/;

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
  if (value === "" || value.trim() !== value) return true;
  if (GO_INT.test(value) || GO_FLOAT.test(value) || GO_HEX_FLOAT.test(value)) return true;
  return readsAs(value, "1.2") !== value || readsAs(value, "1.1") !== value;
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
