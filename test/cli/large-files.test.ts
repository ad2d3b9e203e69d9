// The CLI on a file over the size limit or with an alias bomb: exit 2 and `file:line:column: problem` on
// stderr, never a stack trace, and the file untouched.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

// The bin as `npm ci` leaves it (npm test builds first).
const BIN = join(process.cwd(), "dist", "cli.js");
const run = promisify(execFile);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "large-files-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const LEVELS = "abcdefghi".split("");
/** Nine levels of nine aliases: 9^9 values once expanded. */
const ALIASES = [
  `a: &a [${Array(9).fill('"lol"').join(",")}]`,
  ...LEVELS.slice(1).map(
    (name, index) => `${name}: &${name} [${Array(9).fill(`*${LEVELS[index]}`).join(",")}]`,
  ),
].join("\n");
const BOMB = `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${ALIASES}\nimages:\n- name: app\n  newTag: v1\n`;

function huge(): string {
  const lines = ["images:"];
  for (let index = 0; index < 20_000; index++) lines.push(`- name: svc-${index}`, `  newTag: "1.0.${index}"`);
  return `${lines.join("\n")}\n- name: app\n  newTag: v1\n`;
}

const NO_STACK = /\n\s+at |Error:|ReferenceError/;

describe("set-image", () => {
  test("an alias bomb: exit 2 at the first alias, the file untouched", async () => {
    await writeFile(join(dir, "kustomization.yaml"), BOMB);
    const result = await cli("set-image", "kustomization.yaml", "app:v2");
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `kustomization.yaml:4:8: the file's 72 YAML aliases expand past the limit of 100 (a "billion laughs" file): refusing to read it (write the values out instead of aliasing them); the file is untouched\n`,
    );
    expect(await readFile(join(dir, "kustomization.yaml"), "utf8")).toBe(BOMB);
  });

  test("a 1 MB kustomization: exit 2 with its size, unread", async () => {
    const text = huge();
    await writeFile(join(dir, "kustomization.yaml"), text);
    const result = await cli("set-image", "kustomization.yaml", "app:v2");
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `kustomization.yaml:1:1: the file is too large to read: ${Buffer.byteLength(text).toLocaleString("en-US")} bytes, over the limit of 262,144 (split it, or move it out of the environments' paths); the file is untouched\n`,
    );
    expect(result.stderr).not.toMatch(NO_STACK);
  });
});

describe("validate", () => {
  test("an alias bomb in the holds and freezes file: exit 2 with file:line:column", async () => {
    await writeFile(
      join(dir, "config.yml"),
      'sources:\n  - repositories: ["acme/*"]\nenvironments:\n  dev:\n    paths: ["dev/**"]\n',
    );
    await writeFile(join(dir, "gitops-image-bot-state.yml"), `freezes: {}\n${ALIASES}\n`);
    const result = await cli("validate", "config.yml", "--state", "gitops-image-bot-state.yml");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gitops-image-bot-state\.yml:1:1: not valid YAML: Excessive alias count/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test("an alias bomb as the configuration: exit 2 with file:line:column", async () => {
    await writeFile(join(dir, "config.yml"), `${ALIASES}\nsources: []\n`);
    const result = await cli("validate", "config.yml");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^config\.yml:\d+:\d+: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test("a configuration over the size limit: exit 2, unread", async () => {
    await writeFile(join(dir, "config.yml"), huge());
    const result = await cli("validate", "config.yml");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^config\.yml:1:1: the file is too large to read: [\d,]+ bytes, over the limit of 262,144/,
    );
  });
});
