import { closeExpectingNoViolations } from "./bot-harness.js";
import { startHarness, type Harness } from "../../twin/harness.js";
import { sign } from "../../twin/webhooks.js";
import { smokeApp, SMOKE_FILE } from "./smoke-app.js";

const KUSTOMIZATION = `# dev overlay
resources:
  - ../../base
images:
  - name: ghcr.io/acme/web
    newTag: "1111111" # all digits: must stay quoted
`;

let harness: Harness;

beforeEach(async () => {
  harness = await startHarness({
    appFn: smokeApp,
    repos: [
      { name: "manifests", files: [{ path: SMOKE_FILE, content: KUSTOMIZATION }] },
      { name: "web", files: [{ path: "Dockerfile", content: "FROM scratch\n" }] },
    ],
  });
});

afterEach(() => closeExpectingNoViolations(harness));

function successfulBuild(sha: string): Record<string, unknown> {
  const payload = harness.example("workflow_run", "completed", "acme", "web");
  const run = payload["workflow_run"] as Record<string, unknown>;
  run["conclusion"] = "success";
  run["head_sha"] = sha;
  return payload;
}

test("a signed workflow_run webhook becomes one commit in the manifests repository", async () => {
  const sha = "0123456789abcdef0123456789abcdef01234567";
  const before = await harness.repo("acme", "manifests").git.getRef("refs/heads/main");

  const delivery = await harness.send("workflow_run", successfulBuild(sha));
  await harness.idle();

  expect(delivery.status).toBe(200);
  const file = await harness.file("acme", "manifests", SMOKE_FILE);
  // The one value changed; its quotes, its comment and every other line are kept.
  expect(file).toBe(KUSTOMIZATION.replace('"1111111"', `"${sha}"`));
  const git = harness.repo("acme", "manifests").git;
  const commits = await git.commitsBetween(before!, "refs/heads/main");
  expect(commits).toHaveLength(1);
  const commit = await git.readCommit(commits[0]!);
  expect(commit?.message).toBe(`ghcr.io/acme/web: deploy 0123456\n\nSource: acme/web@${sha}\n`);
  expect(commit?.author.name).toBe("gitops-image-bot[bot]");
  // The app authenticated as the installation (JWT -> token) and used one read and one write.
  expect(harness.twin.counters.count("POST /app/installations/{installation_id}/access_tokens")).toBe(1);
  expect(harness.twin.counters.count("graphql query repository")).toBe(1);
  expect(harness.twin.counters.count("graphql mutation createCommitOnBranch")).toBe(1);
});

test("a webhook with a wrong signature is refused and writes nothing", async () => {
  const before = await harness.repo("acme", "manifests").git.getRef("refs/heads/main");
  const body = JSON.stringify({
    ...successfulBuild("f".repeat(40)),
    installation: { id: harness.installation.id },
  });
  const response = await fetch(harness.webhookUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "workflow_run",
      "x-github-delivery": "forged-1",
      "x-hub-signature-256": sign("not-the-secret", body),
    },
    body,
  });
  expect(response.status).toBe(400);
  await harness.idle();
  expect(await harness.repo("acme", "manifests").git.getRef("refs/heads/main")).toBe(before);
  expect(harness.twin.counters.total).toBe(0);
});

test("an all-digit short SHA tag stays a string that kustomize accepts", async () => {
  await harness.send("workflow_run", successfulBuild("1234567"));
  await harness.idle();
  expect(await harness.file("acme", "manifests", SMOKE_FILE)).toContain(
    'newTag: "1234567" # all digits: must stay quoted',
  );
});
