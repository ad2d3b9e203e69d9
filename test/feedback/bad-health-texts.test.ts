// Argo CD 3 leaves `status.health.message` empty on the application: every text that tells a bad
// deployment (deployment status, commit status, gate check run, hold reason, commit message, comment)
// says so and names the application, never "Degraded: undefined", "Degraded: null" or "Degraded: ".
import { badHealthText } from "../../src/core/feedback/bad-health-text.js";
import { degradedReaction, degradedReason, REASON_LIMIT } from "../../src/core/feedback/degraded-reaction.js";
import { observedSteps } from "../../src/core/feedback/deployment-steps.js";
import { gateVerdict } from "../../src/core/feedback/gate.js";
import type { ImageHealth } from "../../src/core/feedback/image-health.js";
import type { TrackedDeployment } from "../../src/core/feedback/tracked-deployment.js";
import { stateEditText } from "../../src/core/render/commit-message.js";
import { degradedComment } from "../../src/core/render/degraded-comment.js";
import { GITHUB_LIMITS, textSize } from "../../src/core/render/fit-github.js";
import { PLAIN_TEXT } from "../../src/core/render/markdown.js";

const TAG = "sha-bbbbbbb";
const APP = "web-dev";

function health(state: "degraded" | "failed", message: string | undefined): ImageHealth {
  return {
    application: APP,
    image: "ghcr.io/acme/web",
    tag: TAG,
    state,
    since: 10_000,
    message,
    revision: "c".repeat(40),
    url: "https://argocd.example.com/applications/argocd/web-dev",
  };
}

const deployment: TrackedDeployment = {
  manifests: { owner: "acme", name: "manifests" },
  environment: "dev",
  image: "ghcr.io/acme/web",
  tag: TAG,
  source: { owner: "acme", name: "web" },
  sha: "b".repeat(40),
  build: undefined,
  deploymentId: 2,
  statuses: true,
  production: false,
  landing: { kind: "commit", oid: "c".repeat(40), branch: "main" },
  state: "in_progress",
  description: "on main at ccccccc, waiting for Argo CD",
  writtenAt: 1_000,
  onBranchAt: 1_000,
};

/** Every text the app writes about a bad tag, by where it goes. */
function texts(observed: ImageHealth): Record<string, string> {
  const [step] = observedSteps([deployment], observed);
  const gate = gateVerdict(
    { environment: "dev", healthyForSeconds: 600 },
    { image: "ghcr.io/acme/web", tag: TAG },
    observed,
    20_000,
  );
  const reaction = degradedReaction("hold", observed, undefined);
  if (reaction.kind === "none") throw new Error("hold expected");
  const hold = {
    by: "gitops-image-bot",
    at: "2026-01-01T00:00:00Z",
    tag: TAG,
    reason: degradedReason(observed),
  };
  return {
    "deployment and commit status": step?.description ?? "",
    "gate title": gate.title,
    "gate summary": gate.summary,
    "hold reason": reaction.reason,
    "commit message line": stateEditText(
      { kind: "hold", environment: "dev", image: "ghcr.io/acme/web", hold },
      PLAIN_TEXT,
    ),
    comment: degradedComment({
      reaction,
      environment: "dev",
      service: "web",
      manifests: "acme/manifests",
      argoUrl: observed.url,
      landing: undefined,
      failure: undefined,
    }),
  };
}

describe.each<["degraded" | "failed", string]>([
  ["degraded", "Degraded"],
  ["failed", "sync failed"],
])("%s", (state, word) => {
  test.each<[string, string | undefined]>([
    ["no message (Argo CD 3)", undefined],
    ["an empty message", ""],
    ["a message of blanks", " \n\t "],
  ])("%s: every text says Argo CD gave none and names the application", (_name, message) => {
    for (const [where, text] of Object.entries(texts(health(state, message)))) {
      expect([where, text]).toEqual([where, expect.stringContaining("no message from Argo CD; see web-dev")]);
      expect([where, text]).toEqual([where, expect.not.stringMatching(/undefined|null|: *(\)|$|\n)/m)]);
      expect([where, text]).toEqual([where, expect.stringContaining(word)]);
    }
  });

  test("a message: Argo CD's words after the state, one line, within GitHub's limits", () => {
    const long = `Deployment "web" exceeded its progress deadline\n\t${"x".repeat(400)}`;
    const all = texts(health(state, long));
    for (const [where, text] of Object.entries(all))
      expect([where, text]).toEqual([where, expect.stringContaining(`exceeded its progress deadline`)]);
    expect(all["deployment and commit status"]).toMatch(new RegExp(`^${word}: Deployment "web" exceeded`));
    expect(textSize(all["deployment and commit status"] ?? "")).toBeLessThanOrEqual(
      GITHUB_LIMITS.statusDescription,
    );
    expect(textSize(all["gate summary"] ?? "", "bytes")).toBeLessThanOrEqual(GITHUB_LIMITS.checkOutput);
    expect(textSize(all["gate title"] ?? "")).toBeLessThanOrEqual(200);
    expect(textSize(all["hold reason"] ?? "")).toBeLessThanOrEqual(REASON_LIMIT);
    expect(textSize(all.comment ?? "")).toBeLessThanOrEqual(GITHUB_LIMITS.comment);
    for (const [where, text] of Object.entries(all))
      expect([where, text.includes("\t")]).toEqual([where, false]);
  });
});

test.each<[Parameters<typeof badHealthText>[0], string, string]>([
  [{ state: "degraded", message: "OOMKilled", application: APP }, "", "Degraded: OOMKilled"],
  [
    { state: "degraded", message: undefined, application: APP },
    " in qa",
    "Degraded in qa (no message from Argo CD; see web-dev)",
  ],
  [{ state: "failed", message: "a\nb", application: APP }, " in qa", "sync failed in qa: a b"],
  [{ state: "failed", message: "", application: "" }, "", "sync failed (no message from Argo CD)"],
])("badHealthText %#", (observed, where, text) => expect(badHealthText(observed, where)).toBe(text));
