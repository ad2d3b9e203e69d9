import picomatch from "picomatch";
import { GLOB_OPTIONS } from "./glob-matcher.js";

/**
 * Why picomatch cannot compile `glob`, or undefined. Left to itself picomatch reads an unbalanced `[`
 * literally and turns an unbalanced `{` or a reversed range `[z-a]` into a pattern that matches nothing;
 * `strictBrackets` and `debug` make it say so instead.
 */
export function globError(glob: string): string | undefined {
  try {
    picomatch.makeRe(glob, { ...GLOB_OPTIONS, strictBrackets: true, debug: true });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
