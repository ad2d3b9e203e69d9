/**
 * The largest manifests file the app reads and parses, in UTF-8 bytes: 256 KiB.
 *
 * Why this number: the largest real file among the public manifests the rewriter is tested on is
 * kube-prometheus-stack's whole `values.yaml` (208 KB); overlays and kustomizations are a few KB. The
 * parse keeps every node with its position: the densest file of this size (a kustomization of 5,000
 * `images` entries) takes about 25 MB of heap and half a second to parse, which the production image's
 * 96 MB heap (Dockerfile `--max-old-space-size=96`) carries next to a busy app; twice that size takes
 * half the heap, and 1 MB does not fit at all. It is also half of what GitHub's GraphQL `Blob.text`
 * returns whole (512,000 bytes, then `isTruncated`), so a file within the limit is never read cut short.
 * A larger file is refused per file (a skip with its size), never parsed.
 */
export const MAX_MANIFEST_BYTES = 256 * 1024;

/**
 * How far aliases may expand a document, as the `yaml` library counts it (`maxAliasCount`: each alias
 * of an anchor, times the aliases inside that anchor). The library's default, 100: real files use a few
 * merge keys (`<<: *defaults`), while a "billion laughs" file of 641 bytes reaches 10^9. A file over it is
 * refused per file, never expanded.
 */
export const MAX_ALIAS_COUNT = 100;

/** Why a file was refused before its content was looked at, with the numbers. */
export type FileRefusal =
  | { readonly reason: "file-too-large"; readonly bytes: number; readonly limit: number }
  | {
      readonly reason: "too-many-aliases";
      readonly aliases: number;
      readonly limit: number;
      readonly line: number;
      readonly column: number;
    };

/** The UTF-8 length of a text, without encoding it (a lone surrogate counts 3, as TextEncoder writes it). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code < 0xdc00 && isLowSurrogate(text.charCodeAt(index + 1))) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code < 0xe000;
}

/** The text's size in bytes when it is over the limit, else undefined (no count when its length decides). */
export function textTooLarge(text: string, limit: number = MAX_MANIFEST_BYTES): number | undefined {
  if (text.length * 3 <= limit) return undefined;
  const bytes = utf8Length(text);
  return bytes > limit ? bytes : undefined;
}

/** One sentence for a refusal, without the file's name (callers put `file:line:column:` before it). */
export function refusalText(refusal: FileRefusal): string {
  switch (refusal.reason) {
    case "file-too-large":
      return `the file is too large to read: ${refusal.bytes.toLocaleString("en-US")} bytes, over the limit of ${refusal.limit.toLocaleString("en-US")} (split it, or move it out of the environments' paths)`;
    case "too-many-aliases":
      return `the file's ${refusal.aliases} YAML alias${refusal.aliases === 1 ? "" : "es"} expand past the limit of ${refusal.limit} (a "billion laughs" file): refusing to read it (write the values out instead of aliasing them)`;
  }
}
