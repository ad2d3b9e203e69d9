import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

// The bin as `npm ci` leaves it (npm test builds first): the contract other tools rely on.
const BIN = join(process.cwd(), "dist", "cli.js");
const run = promisify(execFile);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "set-image-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function setImage(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, "set-image", ...args], { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function file(name: string, text: string): Promise<string> {
  await writeFile(join(dir, name), text);
  return name;
}

const read = (name: string) => readFile(join(dir, name), "utf8");
const KUSTOMIZATION = "images:\n- name: app # api\n  newTag: v1\n";

describe("gitops-image-bot set-image", () => {
  test("writes the file and exits 0", async () => {
    const path = await file("kustomization.yaml", KUSTOMIZATION);
    const result = await setImage(path, "app:1234567");
    expect(result.code).toBe(0);
    expect(await read(path)).toBe('images:\n- name: app # api\n  newTag: "1234567"\n');
    expect(result.stdout).toBe("kustomization.yaml:3: app newTag: v1 -> 1234567\n");
  });

  test("already up to date exits 0 without rewriting the file", async () => {
    const path = await file("kustomization.yaml", KUSTOMIZATION);
    const result = await setImage(path, "app:v1");
    expect(result).toEqual({ code: 0, stdout: "", stderr: "kustomization.yaml: already up to date\n" });
  });

  test("--dry-run prints a unified diff and writes nothing", async () => {
    const path = await file("kustomization.yaml", KUSTOMIZATION);
    const result = await setImage("--dry-run", path, "app:v2");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("--- a/kustomization.yaml\n+++ b/kustomization.yaml\n");
    expect(result.stdout).toContain("-  newTag: v1\n+  newTag: v2\n");
    expect(await read(path)).toBe(KUSTOMIZATION);
  });

  test.each([
    ["an invalid reference", KUSTOMIZATION, "app:v 2", "kustomization.yaml: invalid image argument"],
    [
      "YAML that does not parse",
      "images:\n- name: [app\n",
      "app:v2",
      "kustomization.yaml:3:1: YAML does not parse",
    ],
    ["an unknown format", "- a\n- b\n", "app:v2", "kustomization.yaml:1:1: unknown format"],
  ])("exits 2 on %s, naming the place, file untouched", async (_, text, ref, message) => {
    const path = await file(text.startsWith("- a") ? "list.yaml" : "kustomization.yaml", text);
    const result = await setImage(path, ref);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message.replace("kustomization.yaml", path));
    expect(await read(path)).toBe(text);
  });

  test("exits 3 when the image is not referenced in Helm values, writing nothing", async () => {
    const text = "image:\n  repository: ghcr.io/acme/app\n  tag: v1\n";
    const path = await file("values.yaml", text);
    const result = await setImage(path, "ghcr.io/acme/app:v2", "ghcr.io/acme/other:v2");
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("values.yaml: ghcr.io/acme/other is not referenced in values.yaml");
    expect(await read(path)).toBe(text);
  });

  test("exits 3 when the image is not referenced in manifests", async () => {
    const text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: nginx:1\n";
    const path = await file("pod.yaml", text);
    expect((await setImage(path, "redis:7")).code).toBe(3);
  });

  test("exits 1 when a value cannot be written safely, naming the line", async () => {
    const text = "common: &tag v1\nimage:\n  repository: app\n  tag: *tag\n";
    const path = await file("values.yaml", text);
    const result = await setImage(path, "app:v2");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("values.yaml:4:1: app: the value is an alias");
    expect(await read(path)).toBe(text);
  });

  test("exits 1 for a missing file", async () => {
    const result = await setImage("missing.yaml", "app:v2");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("missing.yaml: cannot read the file");
  });

  test("--format overrides detection", async () => {
    const path = await file("base.yaml", KUSTOMIZATION);
    expect((await setImage("--format", "kustomization", path, "app:v2")).code).toBe(0);
    expect(await read(path)).toContain("newTag: v2");
  });

  test("exits 2 with usage when arguments are missing", async () => {
    const result = await setImage("kustomization.yaml");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Usage: gitops-image-bot set-image");
  });
});
