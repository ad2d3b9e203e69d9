// Writes schema/gitops-image-bot.schema.json and the generated part of docs/configuration.md from
// the zod schema: `npx tsx src/config/generate-artifacts.ts`. test/config/artifacts.test.ts fails
// when the committed files differ from what this would write.
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveConfig } from "prettier";
import { DOCS_FILE, renderConfigArtifacts, SCHEMA_FILE } from "./config-artifacts.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const docsPath = join(root, DOCS_FILE);
const prettierOptions = (await resolveConfig(docsPath)) ?? {};
const { schema, docs } = await renderConfigArtifacts(await readFile(docsPath, "utf8"), prettierOptions);
for (const [file, text] of Object.entries({ [SCHEMA_FILE]: schema, [DOCS_FILE]: docs })) {
  const path = join(root, file);
  const current = await readFile(path, "utf8").catch(() => undefined);
  if (current === text) {
    console.log(`${file} is up to date`);
    continue;
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  console.log(`wrote ${file}`);
}
