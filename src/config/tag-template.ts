import { TAG } from "../core/image-ref/grammar.js";
import type { Finding } from "./finding.js";

/** A parsed tag template: literal text around one SHA placeholder; `length` undefined = the full SHA. */
export interface TagTemplate {
  prefix: string;
  length: number | undefined;
  suffix: string;
}

export const SHA_MIN_LENGTH = 7;
export const SHA_MAX_LENGTH = 40;

/** Renders candidate templates during validation. */
const SAMPLE_SHA = "0123456789abcdef0123456789abcdef01234567";

/** Parses `sha-{sha:8}`-style templates; a Finding says what is wrong and how to fix it. */
export function parseTagTemplate(
  template: string,
): { ok: true; template: TagTemplate } | { ok: false; finding: Finding } {
  const placeholders = [...template.matchAll(/\{([^{}]*)\}/g)];
  const lengths: (number | undefined)[] = [];
  for (const [text, name = ""] of placeholders) {
    const length = /^sha(?::(\d+))?$/.exec(name);
    if (length === null) return { ok: false, finding: unknownPlaceholder(text, name) };
    const n = length[1] === undefined ? undefined : Number(length[1]);
    if (n !== undefined && (n < SHA_MIN_LENGTH || n > SHA_MAX_LENGTH)) {
      return {
        ok: false,
        finding: {
          message: `\`${text}\` shortens the SHA to ${n} characters, outside ${SHA_MIN_LENGTH} to ${SHA_MAX_LENGTH}`,
          fix: `use {sha:${n < SHA_MIN_LENGTH ? SHA_MIN_LENGTH : SHA_MAX_LENGTH}}, or {sha} for the full SHA`,
        },
      };
    }
    lengths.push(n);
  }
  const first = placeholders[0];
  if (first === undefined || lengths.length !== 1) {
    return {
      ok: false,
      finding:
        first === undefined
          ? {
              message: `tag template \`${template}\` has no {sha} placeholder`,
              fix: "add {sha} or {sha:N} (7 to 40), e.g. sha-{sha:7}: the bot reads the commit back from the tag",
            }
          : {
              message: `tag template \`${template}\` has ${lengths.length} SHA placeholders`,
              fix: "keep exactly one {sha} or {sha:N}",
            },
    };
  }
  const parsed = {
    prefix: template.slice(0, first.index),
    length: lengths[0],
    suffix: template.slice(first.index + first[0].length),
  };
  const sample = fillTagTemplate(parsed, SAMPLE_SHA);
  if (!TAG.test(sample)) {
    return {
      ok: false,
      finding: {
        message: `tag template \`${template}\` renders \`${sample}\`, which is not a valid image tag`,
        fix: "a tag is 1 to 128 of A-Z a-z 0-9 _ . - and starts with a letter, digit or _",
      },
    };
  }
  return { ok: true, template: parsed };
}

/** The parsed template; throws for one `parseConfig` would reject (a programming error after validation). */
export function requireTagTemplate(template: string): TagTemplate {
  const parsed = parseTagTemplate(template);
  if (!parsed.ok)
    throw new Error(`invalid tag template "${template}": ${parsed.finding.message}; ${parsed.finding.fix}`);
  return parsed.template;
}

export function fillTagTemplate(template: TagTemplate, sha: string): string {
  return template.prefix + sha.slice(0, template.length ?? sha.length) + template.suffix;
}

function unknownPlaceholder(text: string, name: string): Finding {
  const lower = name.toLowerCase();
  return {
    message: `tag template has an unknown placeholder \`${text}\``,
    fix: /^sha(:\d+)?$/.test(lower)
      ? `write it in lower case: {${lower}}`
      : "the tag template knows only {sha} (the full commit SHA) and {sha:N} (its first N characters)",
  };
}
