// `gitops-image-bot reconcile`: the one-shot pass a CronJob runs, against the twin as GitHub.
import { reconcileCommand } from "../../src/cli/reconcile.js";
import type { CliIo } from "../../src/cli/cli-io.js";
import { startHarness, type Harness } from "../../twin/harness.js";
import { CONFIG, overlay, sourceRepo } from "../e2e/bot-harness.js";

const PROD = "apps/web/overlays/prod/kustomization.yaml";

function io(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    readFile: async () => "",
    writeFile: async () => undefined,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
  };
}

let harness: Harness;
let env: Record<string, string>;

afterEach(async () => {
  const violations = [...harness.twin.violations];
  await harness.close();
  expect(violations).toEqual([]);
});

test("one pass over every installation repairs what drifted, prints a line per repository, and exits 0", async () => {
  harness = await startHarness({
    repos: [sourceRepo("web")],
    // No server: the CLI is the whole app here; the harness only hands over GitHub's environment.
    startApp: async (given) => {
      env = { ...given };
      return { stop: async () => undefined };
    },
  });
  const web = harness.repo("acme", "web");
  const built = await harness.twin.store.commitFiles(web, "main", [{ path: "a.txt", content: "1\n" }], "one");
  harness.twin.store.recordWorkflowRun(web, { headSha: built, headBranch: "main" });
  const newer = await harness.twin.store.commitFiles(web, "main", [{ path: "a.txt", content: "2\n" }], "two");
  harness.twin.store.recordWorkflowRun(web, { headSha: newer, headBranch: "main" });
  await harness.twin.store.createRepo({
    owner: "acme",
    name: "manifests",
    files: [
      { path: ".github/gitops-image-bot.yml", content: CONFIG },
      { path: PROD, content: overlay("ghcr.io/acme/web", built) },
    ],
  });
  const cli = io();
  const code = await reconcileCommand([], cli, env);
  expect(cli.err).toEqual([]);
  expect(code).toBe(0);
  expect(cli.out.join("")).toMatch(
    /^acme\/manifests: 1 behind, 1 repaired, 0 held or frozen, \d+ requests\n$/,
  );
  expect(await harness.file("acme", "manifests", PROD)).toContain(newer);
});

test("without the app's credentials it says what is missing and exits 2", async () => {
  harness = await startHarness({ repos: [], startApp: async () => ({ stop: async () => undefined }) });
  const cli = io();
  expect(await reconcileCommand([], cli, {})).toBe(2);
  expect(cli.err.join("")).toContain("APP_ID and PRIVATE_KEY");
  expect(await reconcileCommand(["--installation", "x"], io(), {})).toBe(2);
});
