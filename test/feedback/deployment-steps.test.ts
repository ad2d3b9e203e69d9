import {
  closedSteps,
  mergedSteps,
  observedSteps,
  supersededSteps,
} from "../../src/core/feedback/deployment-steps.js";
import { degradedReaction } from "../../src/core/feedback/degraded-reaction.js";
import type { ImageHealth } from "../../src/core/feedback/image-health.js";
import type { TrackedDeployment } from "../../src/core/feedback/tracked-deployment.js";
import { degradedComment } from "../../src/core/render/degraded-comment.js";
import { MemoryDeploymentLedger, PER_IMAGE } from "../../src/feedback/deployment-ledger.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const URL = "https://argocd.example.com/applications/argocd/web-dev";

function tracked(sha: string, fields: Partial<TrackedDeployment> = {}): TrackedDeployment {
  return {
    manifests: { owner: "acme", name: "manifests" },
    environment: "dev",
    image: "ghcr.io/acme/web",
    tag: sha,
    source: { owner: "acme", name: "web" },
    sha,
    build: undefined,
    deploymentId: sha === A ? 1 : 2,
    statuses: true,
    production: false,
    landing: { kind: "commit", oid: "c".repeat(40), branch: "main" },
    state: "in_progress",
    description: "on main at ccccccc, waiting for Argo CD",
    writtenAt: sha === A ? 1_000 : 2_000,
    onBranchAt: sha === A ? 1_000 : 2_000,
    ...fields,
  };
}

function health(tag: string, state: ImageHealth["state"], fields: Partial<ImageHealth> = {}): ImageHealth {
  return {
    application: "web-dev",
    image: "ghcr.io/acme/web",
    tag,
    state,
    since: 193_000,
    message: undefined,
    revision: undefined,
    url: URL,
    ...fields,
  };
}

const brief = (steps: ReturnType<typeof observedSteps>) =>
  steps.map((step) => [
    step.deployment.sha.slice(0, 1),
    step.state,
    step.description,
    step.commit,
    step.byGitHub,
  ]);

describe("observedSteps: what Argo CD's word does to the tracked deployments of an image", () => {
  test.each<[string, TrackedDeployment[], ImageHealth, unknown[]]>([
    [
      "Healthy: success, timed from the branch",
      [tracked(A)],
      health(A, "healthy"),
      [["a", "success", "Synced and Healthy in 3m12s", "success", false]],
    ],
    [
      "Healthy in the same whole second the tag reached the branch (Argo CD's times have no milliseconds)",
      [tracked(A, { onBranchAt: 193_400 })],
      health(A, "healthy"),
      [["a", "success", "Synced and Healthy in 0s", "success", false]],
    ],
    [
      "Healthy again: nothing",
      [tracked(A, { state: "success", description: "Synced and Healthy in 3m12s" })],
      health(A, "healthy"),
      [],
    ],
    [
      "Healthy, on-branch time unknown (found after a restart): no duration",
      [tracked(A, { state: undefined, onBranchAt: undefined })],
      health(A, "healthy"),
      [["a", "success", "Synced and Healthy", "success", false]],
    ],
    ["Progressing: nothing", [tracked(A)], health(A, "progressing"), []],
    [
      "Degraded: failure with the message on one line",
      [tracked(A)],
      health(A, "degraded", { message: "exceeded\nits deadline\u0007" }),
      [["a", "failure", "Degraded: exceeded its deadline", "failure", false]],
    ],
    [
      "failed sync without a message",
      [tracked(A)],
      health(A, "failed"),
      [["a", "failure", "sync failed (no message from Argo CD; see web-dev)", "failure", false]],
    ],
    [
      "a newer Healthy: the older success becomes inactive by GitHub (not production)",
      [tracked(A, { state: "success", description: "Synced and Healthy" }), tracked(B)],
      health(B, "healthy", { since: 2_000 }),
      [
        ["b", "success", "Synced and Healthy in 0s", "success", false],
        ["a", "inactive", "replaced by bbbbbbb", undefined, true],
      ],
    ],
    [
      "in production the app writes the inactive itself",
      [tracked(A, { state: "success", production: true }), tracked(B, { production: true })],
      health(B, "healthy", { since: 2_000 }),
      [
        ["b", "success", "Synced and Healthy in 0s", "success", false],
        ["a", "inactive", "replaced by bbbbbbb", undefined, false],
      ],
    ],
    [
      "an older one still waiting is superseded (error on the commit); a failure stays",
      [tracked(A), tracked(B)],
      health(B, "healthy", { since: 2_000 }),
      [
        ["b", "success", "Synced and Healthy in 0s", "success", false],
        ["a", "inactive", "superseded by bbbbbbb", "error", false],
      ],
    ],
    [
      "an older tag Healthy again leaves the newer failure alone",
      [tracked(A, { state: "success", description: "Synced and Healthy" }), tracked(B, { state: "failure" })],
      health(A, "healthy"),
      [],
    ],
  ])("%s", (_name, deployments, observed, expected) => {
    expect(brief(observedSteps(deployments, observed))).toEqual(expected);
  });

  test("descriptions stay within 140 characters", () => {
    const [step] = observedSteps([tracked(A)], health(A, "degraded", { message: "x".repeat(500) }));
    expect([...step!.description]).toHaveLength(140);
  });
});

describe("pull request steps", () => {
  const inPull = (sha: string, state: TrackedDeployment["state"] = "pending") =>
    tracked(sha, {
      landing: { kind: "pull-request", number: 42, oid: undefined },
      state,
      onBranchAt: undefined,
    });

  test("merged: in_progress at the merge commit, timed from now", () => {
    const [step, ...rest] = mergedSteps(
      [inPull(A), inPull(B, "inactive")],
      { number: 42, mergeOid: "d".repeat(40), branch: "main", url: "https://x/pull/42" },
      5_000,
    );
    expect(rest).toEqual([]);
    expect(step).toMatchObject({
      state: "in_progress",
      description: "on main at ddddddd, waiting for Argo CD",
      commit: "pending",
      onBranchAt: 5_000,
    });
  });

  test("closed unmerged and superseded: inactive with the reason, error on the commit", () => {
    expect(
      closedSteps([inPull(A), tracked(B)], 42).map((step) => [step.state, step.description, step.commit]),
    ).toEqual([["inactive", "closed without merging (#42)", "error"]]);
    expect(
      supersededSteps([inPull(A), inPull(B)], { sha: B, number: 42 }).map((step) => step.description),
    ).toEqual(["superseded by bbbbbbb"]);
  });
});

describe("onDegraded", () => {
  test.each<[string, "report" | "hold" | "rollback", ImageHealth, string | undefined, unknown]>([
    ["report does nothing more", "report", health(B, "degraded"), A, { kind: "none" }],
    ["healthy is not bad", "rollback", health(B, "healthy"), A, { kind: "none" }],
    [
      "hold keeps the bad tag",
      "hold",
      health(B, "degraded", { message: "CrashLoopBackOff" }),
      A,
      { kind: "hold", tag: B, reason: "Degraded: CrashLoopBackOff", noHealthyTag: false },
    ],
    [
      "rollback goes back to the last Healthy tag",
      "rollback",
      health(B, "failed", { message: "apply failed" }),
      A,
      { kind: "rollback", from: B, to: A, reason: "sync failed: apply failed" },
    ],
    [
      "rollback without a Healthy tag holds",
      "rollback",
      health(B, "degraded"),
      undefined,
      { kind: "hold", tag: B, reason: "Degraded (no message from Argo CD; see web-dev)", noHealthyTag: true },
    ],
  ])("%s", (_name, setting, observed, lastHealthy, expected) => {
    expect(degradedReaction(setting, observed, lastHealthy)).toEqual(expected);
  });

  test("the comment escapes Argo CD's words and links only to an http(s) URL", () => {
    const body = degradedComment({
      reaction: {
        kind: "hold",
        tag: B,
        reason: "Degraded: <img src=x> @alice [x](javascript:y)",
        noHealthyTag: false,
      },
      environment: "dev",
      service: "web",
      manifests: "acme/manifests",
      argoUrl: "javascript:alert(1)",
      landing: undefined,
      failure: undefined,
    });
    expect(body).toContain("\\<img"); // escaped: shown, not rendered
    expect(body).not.toContain("@alice");
    expect(body).not.toContain("](javascript");
    expect(body).toContain("`/resume dev web`");
  });
});

describe("MemoryDeploymentLedger", () => {
  test("one entry per source commit, the newest kept, found by pull request", () => {
    const ledger = new MemoryDeploymentLedger();
    for (let i = 0; i < PER_IMAGE + 5; i++)
      ledger.track(tracked(i.toString(16).padStart(40, "0"), { writtenAt: i }));
    ledger.track(tracked("0".repeat(39) + "1", { writtenAt: PER_IMAGE + 9, state: "success" }));
    const list = ledger.forImage({ owner: "ACME", name: "manifests" }, "dev", "ghcr.io/acme/web");
    expect(list).toHaveLength(PER_IMAGE);
    expect(list.at(-1)).toMatchObject({ state: "success" });
    ledger.track(tracked(B, { landing: { kind: "pull-request", number: 7, oid: undefined } }));
    expect(ledger.forPull({ owner: "acme", name: "manifests" }, 7).map((one) => one.sha)).toEqual([B]);
    expect(ledger.forPull({ owner: "acme", name: "manifests" }, 8)).toEqual([]);
  });
});
