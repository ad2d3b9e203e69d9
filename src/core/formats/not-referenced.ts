import type { Skip } from "../rewrite/rewrite-types.js";

export function notReferenced(image: string, path: string): Skip {
  return { reason: "not-referenced", image, message: `${image} is not referenced in ${path}` };
}
