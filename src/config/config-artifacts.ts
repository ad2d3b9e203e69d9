// Build-time only: prettier is a development dependency, so nothing the app loads may import this file.
import { format, type Options } from "prettier";
import { configJsonSchema } from "./config-json-schema.js";
import { EXAMPLE_CONFIG } from "./example-config.js";
import { renderConfigReference } from "./render-config-reference.js";

export const SCHEMA_FILE = "schema/gitops-image-bot.schema.json";
export const DOCS_FILE = "docs/configuration.md";
export const GENERATE_COMMAND = "npx tsx src/config/generate-artifacts.ts";

const BEGIN = `<!-- BEGIN GENERATED from src/config by \`${GENERATE_COMMAND}\`: edit above this line only -->`;
const END = "<!-- END GENERATED -->";

/**
 * The generated files, formatted as prettier would: the JSON Schema, and docs/configuration.md with
 * its generated part (example and reference) replaced between the markers and the hand-written
 * intro kept.
 */
export async function renderConfigArtifacts(
  currentDocs: string,
  prettierOptions: Options,
): Promise<{ schema: string; docs: string }> {
  const begin = currentDocs.indexOf(BEGIN);
  const end = currentDocs.indexOf(END);
  if (begin === -1 || end < begin) {
    throw new Error(
      `${DOCS_FILE} lacks the markers of its generated part: put these two lines where it goes:\n${BEGIN}\n${END}`,
    );
  }
  const generated = [
    BEGIN,
    "## Example",
    "```yaml\n" + EXAMPLE_CONFIG.trimEnd() + "\n```",
    "## Reference",
    "Every key of the file, with its type and default. Keys not listed are errors.",
    renderConfigReference(configJsonSchema()),
    END,
  ].join("\n\n");
  const docs = currentDocs.slice(0, begin) + generated + currentDocs.slice(end + END.length);
  return {
    schema: await format(JSON.stringify(configJsonSchema()), { ...prettierOptions, parser: "json" }),
    docs: await format(docs, { ...prettierOptions, parser: "markdown" }),
  };
}
