import { createHash } from "node:crypto";

/** The git blob id of a text, as GitHub will store it: sha1("blob <bytes>\0" + content). */
export function gitBlobOid(text: string): string {
  const content = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}
