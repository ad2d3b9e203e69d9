import { TAG } from "../core/image-ref/grammar.js";
import type { Finding } from "./finding.js";

/** One piece of a tag template: literal text, or a placeholder. */
export type TagPart =
  | { readonly kind: "text"; readonly text: string }
  /** `{sha}` (length undefined: the full SHA) or `{sha:N}`. */
  | { readonly kind: "sha"; readonly length: number | undefined }
  /** `{build}`: the build number the CI sends (digits). */
  | { readonly kind: "build" }
  /** `{version}`: a semantic version, `1.4.2` or `1.4.2-rc.1`. */
  | { readonly kind: "version" };

/** A parsed tag template: literal text around at most one placeholder of each kind. */
export interface TagTemplate {
  readonly parts: readonly TagPart[];
  readonly sha: boolean;
  readonly build: boolean;
  readonly version: boolean;
}

/** What a tag says through its template: the commit (possibly shortened), the build number, the version. */
export interface TagValues {
  readonly sha?: string | undefined;
  readonly build?: number | undefined;
  readonly version?: string | undefined;
}

export const SHA_MIN_LENGTH = 7;
export const SHA_MAX_LENGTH = 40;

/** Renders candidate templates during validation. */
const SAMPLE: Required<TagValues> = {
  sha: "0123456789abcdef0123456789abcdef01234567",
  build: 42,
  version: "1.4.2-rc.1",
};

/** SemVer 2.0 without build metadata (a `+` is not allowed in an image tag). */
const VERSION =
  "(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)(?:-(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?";
const BUILD = "\\d{1,15}";

/** Parses `sha-{sha:8}`, `{build}-{sha:7}` or `v{version}`; a Finding says what is wrong and how to fix it. */
export function parseTagTemplate(
  template: string,
): { ok: true; template: TagTemplate } | { ok: false; finding: Finding } {
  const parts: TagPart[] = [];
  let at = 0;
  for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
    const [text, name = ""] = match;
    if (match.index > at) parts.push({ kind: "text", text: template.slice(at, match.index) });
    else if (parts.length > 0)
      return {
        ok: false,
        finding: {
          message: `tag template \`${template}\` has two placeholders side by side (\`${text}\`)`,
          fix: "put literal text between them, e.g. {build}-{sha:7}, so the tag can be read back",
        },
      };
    at = match.index + text.length;
    const part = placeholder(text, name);
    if ("message" in part) return { ok: false, finding: part };
    if (parts.some((existing) => existing.kind === part.kind))
      return {
        ok: false,
        finding: {
          message: `tag template \`${template}\` has more than one {${part.kind}} placeholder`,
          fix: part.kind === "sha" ? "keep exactly one {sha} or {sha:N}" : `keep exactly one {${part.kind}}`,
        },
      };
    parts.push(part);
  }
  if (at < template.length) parts.push({ kind: "text", text: template.slice(at) });
  const parsed: TagTemplate = {
    parts,
    sha: parts.some((part) => part.kind === "sha"),
    build: parts.some((part) => part.kind === "build"),
    version: parts.some((part) => part.kind === "version"),
  };
  if (!parsed.sha && !parsed.build && !parsed.version)
    return {
      ok: false,
      finding: {
        message: `tag template \`${template}\` has no {sha} placeholder`,
        fix: "add {sha} or {sha:N} (7 to 40), e.g. sha-{sha:7}: the bot reads the commit back from the tag (or {build} / {version} with `order: build-number` / `semver`)",
      },
    };
  const sample = fillTagTemplate(parsed, SAMPLE) ?? "";
  if (!TAG.test(sample))
    return {
      ok: false,
      finding: {
        message: `tag template \`${template}\` renders \`${sample}\`, which is not a valid image tag`,
        fix: "a tag is 1 to 128 of A-Z a-z 0-9 _ . - and starts with a letter, digit or _",
      },
    };
  return { ok: true, template: parsed };
}

function placeholder(text: string, name: string): Exclude<TagPart, { kind: "text" }> | Finding {
  if (name === "build") return { kind: "build" };
  if (name === "version") return { kind: "version" };
  const length = /^sha(?::(\d+))?$/.exec(name);
  if (length === null) return unknownPlaceholder(text, name);
  const n = length[1] === undefined ? undefined : Number(length[1]);
  if (n !== undefined && (n < SHA_MIN_LENGTH || n > SHA_MAX_LENGTH))
    return {
      message: `\`${text}\` shortens the SHA to ${n} characters, outside ${SHA_MIN_LENGTH} to ${SHA_MAX_LENGTH}`,
      fix: `use {sha:${n < SHA_MIN_LENGTH ? SHA_MIN_LENGTH : SHA_MAX_LENGTH}}, or {sha} for the full SHA`,
    };
  return { kind: "sha", length: n };
}

/** The parsed template; throws for one `parseConfig` would reject (a programming error after validation). */
export function requireTagTemplate(template: string): TagTemplate {
  const parsed = parseTagTemplate(template);
  if (!parsed.ok)
    throw new Error(`invalid tag template "${template}": ${parsed.finding.message}; ${parsed.finding.fix}`);
  return parsed.template;
}

/** The tag for these values; undefined when the template needs a value that is not given. */
export function fillTagTemplate(template: TagTemplate, values: TagValues): string | undefined {
  let tag = "";
  for (const part of template.parts) {
    if (part.kind === "text") tag += part.text;
    else if (part.kind === "sha") {
      if (values.sha === undefined) return undefined;
      tag += values.sha.slice(0, part.length ?? values.sha.length);
    } else if (part.kind === "build") {
      if (values.build === undefined) return undefined;
      tag += String(values.build);
    } else {
      if (values.version === undefined) return undefined;
      tag += values.version;
    }
  }
  return tag;
}

const matchers = new Map<string, RegExp>();

/**
 * What `tag` says through `template` (the inverse of `fillTagTemplate`), or undefined when the tag
 * does not follow it. Literal text must match exactly; hex digits may be in either case (returned in
 * lower case).
 */
export function readTag(template: TagTemplate, tag: string): TagValues | undefined {
  const key = JSON.stringify(template.parts);
  let matcher = matchers.get(key);
  if (!matcher) {
    const pattern = template.parts
      .map((part) => {
        if (part.kind === "text") return part.text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
        if (part.kind === "sha") return `(?<sha>[0-9a-fA-F]{${part.length ?? 40}})`;
        if (part.kind === "build") return `(?<build>${BUILD})`;
        return `(?<version>${VERSION})`;
      })
      .join("");
    matcher = new RegExp(`^${pattern}$`);
    if (matchers.size < 1000) matchers.set(key, matcher);
  }
  const match = matcher.exec(tag);
  if (!match) return undefined;
  const groups = match.groups ?? {};
  return {
    sha: groups["sha"]?.toLowerCase(),
    build: groups["build"] === undefined ? undefined : Number(groups["build"]),
    version: groups["version"],
  };
}

function unknownPlaceholder(text: string, name: string): Finding {
  const lower = name.toLowerCase();
  return {
    message: `tag template has an unknown placeholder \`${text}\``,
    fix: /^(sha(:\d+)?|build|version)$/.test(lower)
      ? `write it in lower case: {${lower}}`
      : "the tag template knows {sha} (the full commit SHA), {sha:N} (its first N characters), {build} (the build number) and {version} (a semantic version)",
  };
}
