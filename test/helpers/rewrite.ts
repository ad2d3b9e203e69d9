import { parseSetImageArg, setImages, type SetImagesResult } from "../../src/core/index.js";

/** Runs the core on text with `set-image` style arguments. */
export function rewrite(path: string, text: string, ...args: string[]): SetImagesResult {
  const updates = args.map((arg) => {
    const parsed = parseSetImageArg(arg);
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.value;
  });
  return setImages({ path, text, updates });
}

/** The rewritten text; fails the test when the core refused or skipped. */
export function rewritten(path: string, text: string, ...args: string[]): string {
  const result = rewrite(path, text, ...args);
  if (!result.ok) throw new Error(`refused: ${result.error.message}`);
  if (result.skips.length > 0) throw new Error(`skipped: ${result.skips.map((s) => s.message).join("; ")}`);
  return result.text;
}

export const SHA_A = "sha256:" + "a".repeat(64);
export const SHA_B = "sha256:" + "b".repeat(64);
