import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { resolveConfig } from "prettier";
import {
  DOCS_FILE,
  GENERATE_COMMAND,
  renderConfigArtifacts,
  SCHEMA_FILE,
} from "../../src/config/config-artifacts.js";
import { EXAMPLE_CONFIG } from "../../src/config/example-config.js";
import { parseConfig } from "../../src/config/index.js";
import { parseDocument } from "yaml";

const root = process.cwd();
const read = (file: string) => readFile(join(root, file), "utf8");

describe("the example configuration in docs/configuration.md", () => {
  test("is valid, with dev committing, qa merging itself and prod reviewed, from main only", () => {
    const result = parseConfig(EXAMPLE_CONFIG);
    if (!result.ok) throw new Error(JSON.stringify(result.problems, null, 2));
    const { dev, qa, prod } = result.config.environments;
    expect([dev?.mode, qa?.mode, prod?.mode]).toEqual(["commit", "auto-merge", "pull-request"]);
    expect(prod?.branches).toEqual(["main"]);
  });

  test("is the one the documentation shows", async () => {
    expect(await read(DOCS_FILE)).toContain("```yaml\n" + EXAMPLE_CONFIG);
  });
});

describe("generated artifacts", () => {
  test(`are up to date (run ${GENERATE_COMMAND} to update)`, async () => {
    const docs = await read(DOCS_FILE);
    const expected = await renderConfigArtifacts(docs, (await resolveConfig(join(root, DOCS_FILE))) ?? {});
    const stale = [
      ...((await read(SCHEMA_FILE)) === expected.schema ? [] : [SCHEMA_FILE]),
      ...(docs === expected.docs ? [] : [DOCS_FILE]),
    ];
    expect(
      stale.length === 0 ? "up to date" : `${stale.join(" and ")} differ: run ${GENERATE_COMMAND} to update`,
    ).toBe("up to date");
  });

  test("the JSON Schema names itself and describes every key", async () => {
    const schema: unknown = JSON.parse(await read(SCHEMA_FILE));
    expect(schema).toMatchObject({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "urn:gitops-image-bot:config",
      title: "gitops-image-bot configuration",
    });
    const undescribed: string[] = [];
    const visit = (node: unknown, path: string) => {
      if (typeof node !== "object" || node === null) return;
      const properties = "properties" in node ? node.properties : undefined;
      if (typeof properties !== "object" || properties === null) return;
      for (const [key, property] of Object.entries(properties)) {
        if (typeof property !== "object" || property === null || !("description" in property)) {
          undescribed.push(`${path}${key}`);
        }
        visit(property, `${path}${key}.`);
        if (typeof property === "object" && property !== null) {
          if ("items" in property) visit(property.items, `${path}${key}[].`);
          if ("additionalProperties" in property)
            visit(property.additionalProperties, `${path}${key}.<name>.`);
        }
      }
    };
    visit(schema, "");
    expect(undescribed).toEqual([]);
  });

  describe("the JSON Schema agrees with parseConfig", () => {
    let validate: (data: unknown) => boolean;
    beforeAll(async () => {
      const ajv = new Ajv2020({ strict: true, allErrors: true });
      validate = ajv.compile(JSON.parse(await read(SCHEMA_FILE)));
    });

    const MINIMAL = 'sources: [{ repositories: ["acme/*"] }]\nenvironments: { prod: { paths: [prod/**] } }\n';

    test.each([
      ["the example", EXAMPLE_CONFIG, true],
      ["the smallest file", MINIMAL, true],
      ["with _extends", `_extends: .github\n${MINIMAL}`, true],
      ["an unknown key", `${MINIMAL}colour: blue\n`, false],
      ["no sources", "environments: { prod: { paths: [prod/**] } }\n", false],
      ["no environments", "sources: [{ repositories: [a/b] }]\nenvironments: {}\n", false],
      ["an invalid environment name", MINIMAL.replace("prod:", "Prod:"), false],
      ["an invalid mode", MINIMAL.replace("paths: [prod/**]", "paths: [prod/**], mode: fast"), false],
      ["a batch window over a minute", `${MINIMAL}batchWindowSeconds: 61\n`, false],
      ["statuses: yes", `${MINIMAL}report: { statuses: yes }\n`, false],
    ])("%s", (_, text, valid) => {
      expect(validate(parseDocument(text).toJS())).toBe(valid);
      expect(parseConfig(text).ok).toBe(valid);
    });
  });
});
