import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

// The bin as `npm ci` leaves it (npm test builds first): the contract other tools rely on.
const BIN = join(process.cwd(), "dist", "cli.js");
const run = promisify(execFile);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "validate-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function validate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, "validate", ...args], { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function file(name: string, text: string): Promise<void> {
  await mkdir(dirname(join(dir, name)), { recursive: true });
  await writeFile(join(dir, name), text);
}

const VALID = `sources:
  - repositories: ["acme/*", "!acme/sandbox-*"]
environments:
  prod:
    paths: ["apps/*/overlays/prod/**"]
`;
const CONFIG = ".github/gitops-image-bot.yml";
const STATE = ".github/gitops-image-bot-state.yml";

describe("gitops-image-bot validate", () => {
  test("a valid default config exits 0", async () => {
    await file(CONFIG, VALID);
    expect(await validate()).toEqual({ code: 0, stdout: `${CONFIG}: valid\n`, stderr: "" });
  });

  test("an invalid config exits 2 with file:line:column, the problem and the fix", async () => {
    await file(CONFIG, `${VALID}    mode: pull_request\nreconcile:\n  interval: 5\n`);
    const result = await validate();
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `${CONFIG}:6:11: \`environments.prod.mode\` is \`pull_request\`, not one of commit, pull-request, auto-merge. Fix: did you mean \`pull-request\`? (one of commit, pull-request, auto-merge)\n` +
        `${CONFIG}:8:3: unknown key \`interval\` in \`reconcile\`. Fix: did you mean \`intervalMinutes\`? (the keys in \`reconcile\` are intervalMinutes, requestBudget, dashboard)\n`,
    );
  });

  test("files named on the command line, each checked", async () => {
    await file("a.yml", VALID);
    await file("b.yml", "sources: []\n");
    const result = await validate("a.yml", "b.yml");
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("a.yml: valid\n");
    expect(result.stderr).toMatch(
      /^b\.yml:1:1: required key `environments` is missing at the top level\. Fix: /,
    );
    expect(result.stderr).toContain("\nb.yml:1:10: `sources` is an empty list. Fix: list at least one");
  });

  test("a file that does not exist: a clear message and exit 2", async () => {
    expect(await validate("nope.yml")).toEqual({ code: 2, stdout: "", stderr: "nope.yml: no such file\n" });
    const none = await validate();
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      `${CONFIG}: no such file (nor .github/gitops-image-bot.yaml): run this at the root of the manifests repository, or name the file\n`,
    );
  });

  test("the .yaml name is read by default too; both at once is a problem", async () => {
    await file(".github/gitops-image-bot.yaml", VALID);
    expect(await validate()).toEqual({
      code: 0,
      stdout: ".github/gitops-image-bot.yaml: valid\n",
      stderr: "",
    });
    await file(CONFIG, VALID);
    const both = await validate();
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(
      `${CONFIG}:1:1: two configuration files: ${CONFIG} and .github/gitops-image-bot.yaml`,
    );
  });

  test("--state checks the holds and freezes file too (default path; absent is fine)", async () => {
    await file(CONFIG, VALID);
    expect(await validate("--state")).toEqual({
      code: 0,
      stdout: `${CONFIG}: valid\n${STATE}: absent: nothing is held or frozen\n`,
      stderr: "",
    });
    await file(STATE, `freezes:\n  prod:\n    by: alice\n    at: yesterday\n`);
    const broken = await validate("--state");
    expect(broken.code).toBe(2);
    expect(broken.stdout).toBe(`${CONFIG}: valid\n`);
    expect(broken.stderr).toBe(
      `${STATE}:4:9: freezes.prod.at: Invalid ISO datetime. Fix: correct the entry, or delete it to lift that hold or freeze\n`,
    );
  });

  test("--state FILE names the file; a named state file must exist", async () => {
    await file(CONFIG, VALID);
    await file("state.yml", "holds: {}\n");
    expect((await validate("--state", "state.yml")).stdout).toBe(`${CONFIG}: valid\nstate.yml: valid\n`);
    expect(await validate("--state=missing.yml")).toMatchObject({
      code: 2,
      stderr: "missing.yml: no such file\n",
    });
  });

  test("a file with _extends is checked without its base: keys the base may give are not required", async () => {
    await file(CONFIG, "_extends: .github\nenvironments:\n  prod:\n    mode: pull-request\n");
    const result = await validate();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${CONFIG}: valid on its own (_extends: .github not read`);
    await file(CONFIG, "_extends: .github\nsources:\n  - image: x\n");
    const inList = await validate();
    expect(inList.code).toBe(2);
    expect(inList.stderr).toContain("required key `repositories` is missing in `sources[0]`");
  });

  test("--help prints the usage; an unknown option is bad input", async () => {
    const help = await validate("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: gitops-image-bot validate [FILE...] [--state [FILE]]");
    const bad = await validate("--strict");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown option "--strict"');
  });
});
