// The app's commit trailers: written by commitMessage, read back by parseTrailers.
import { COMMIT_MESSAGE_LINES, commitMessage } from "../../src/core/render/commit-message.js";
import { parseTrailers } from "../../src/core/dora/trailers.js";
import { deployHistory } from "../../src/core/dora/deploy-history.js";
import type { FileUpdate } from "../../src/core/plan/outcome.js";
import type { Wanted } from "../../src/core/plan/wanted.js";
import type { StateEdit } from "../../src/state/state-file.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const MADE = Date.parse("2026-03-01T10:00:00Z");

function wanted(image: string, tag: string, committedAt: number | "unknown" = MADE, sha = SHA): Wanted {
  return {
    build: {
      trigger: "workflow_run",
      id: "1",
      repository: {
        owner: "acme",
        name: "web",
        defaultBranch: "main",
        htmlUrl: "https://github.com/acme/web",
      },
      sha,
      branch: "main",
      event: "push",
      workflowPath: undefined,
      url: undefined,
      image: undefined,
      receivedAt: 0,
      committedAt: committedAt === "unknown" ? undefined : committedAt,
    },
    image,
    tag,
    digest: undefined,
    tagTemplate: "{sha}",
  };
}

function update(
  environment: string,
  want: Wanted,
  fromTag = "old",
  path = `${environment}/k.yaml`,
): FileUpdate {
  return { wanted: want, environment, path, fromTag, fromSha: undefined, line: 3 };
}

const message = (updates: FileUpdate[], edits: StateEdit[] = []) => {
  const { headline, body } = commitMessage(updates, edits);
  return `${headline}\n\n${body}`;
};

test("a deployment's trailers round-trip: environment, image (with a registry port), tag, source, source time", () => {
  const web = wanted("localhost:5000/acme/web", "v1.2");
  const text = message([
    update("dev", web),
    update("dev", web, "old", "dev/other.yaml"),
    update("prod", web),
  ]);
  expect(text).toContain(`Deploys: dev localhost:5000/acme/web:v1.2 acme/web@${SHA}\n`);
  expect(text).toContain(
    `Source-Repository: acme/web\nSource-Commit: ${SHA}\nSource-Committed-At: 2026-03-01T10:00:00.000Z`,
  );
  expect(parseTrailers(text)).toEqual({
    deploys: [
      { environment: "dev", image: "localhost:5000/acme/web", tag: "v1.2", repository: "acme/web", sha: SHA },
      {
        environment: "prod",
        image: "localhost:5000/acme/web",
        tag: "v1.2",
        repository: "acme/web",
        sha: SHA,
      },
    ],
    omitted: 0,
    rollbacks: [],
    failures: [],
    sources: [{ repository: "acme/web", sha: SHA, committedAt: MADE }],
  });
});

test("without a source time there is no Source-Committed-At: lead time is unknown, not guessed", () => {
  const text = message([update("dev", wanted("ghcr.io/acme/web", "v1", "unknown"))]);
  expect(text).not.toContain("Source-Committed-At");
  expect(parseTrailers(text).sources).toEqual([{ repository: "acme/web", sha: SHA, committedAt: undefined }]);
});

test("/rollback and a Degraded hold say so in trailers", () => {
  const by = "gitops-image-bot[bot]";
  const rollback: StateEdit = {
    kind: "hold",
    environment: "prod",
    image: "ghcr.io/acme/web",
    hold: { by: "alice", at: "2026-03-01T11:00:00Z", tag: "v1", reason: "rollback" },
  };
  const rolled = message([update("prod", wanted("ghcr.io/acme/web", "v1"), "v2")], [rollback]);
  expect(rolled).toContain("Rollback: prod ghcr.io/acme/web v2 -> v1");
  expect(parseTrailers(rolled).rollbacks).toEqual([
    { environment: "prod", image: "ghcr.io/acme/web", fromTag: "v2", toTag: "v1" },
  ]);
  expect(parseTrailers(rolled).failures).toEqual([]);

  // onDegraded: hold (no tag change): the held tag failed.
  const held: StateEdit = { ...rollback, hold: { by, at: "x", tag: "v2", reason: "Degraded: back-off" } };
  expect(parseTrailers(message([], [held])).failures).toEqual([
    { environment: "prod", image: "ghcr.io/acme/web", tag: "v2" },
  ]);
  // onDegraded: rollback: the tag it left failed, and it is a rollback.
  const back: StateEdit = { ...rollback, hold: { by, at: "x", tag: "v1", reason: "sync failed: hook" } };
  const parsed = parseTrailers(message([update("prod", wanted("ghcr.io/acme/web", "v1"), "v2")], [back]));
  expect(parsed.failures).toEqual([{ environment: "prod", image: "ghcr.io/acme/web", tag: "v2" }]);
  expect(parsed.rollbacks).toHaveLength(1);
  // A person's hold is neither.
  const person: StateEdit = { ...rollback, hold: { by: "alice", at: "x", tag: "v2", reason: "release day" } };
  expect(parseTrailers(message([], [person]))).toMatchObject({ failures: [], rollbacks: [] });
});

test("a batch larger than the message's lines lists 100 deployments and counts the rest", () => {
  const updates = Array.from({ length: COMMIT_MESSAGE_LINES + 7 }, (_, i) =>
    update("dev", wanted(`ghcr.io/acme/svc-${i}`, "v1")),
  );
  const parsed = parseTrailers(message(updates));
  expect(parsed.deploys).toHaveLength(COMMIT_MESSAGE_LINES);
  expect(parsed.omitted).toBe(7);
});

test("trailers count wherever they stand (a squash of several commits), and lookalike prose does not", () => {
  const squash = [
    "deploy web v1 to dev (#4)",
    "",
    "* deploy web v1 to dev",
    "",
    `Deploys: dev ghcr.io/acme/web:v1 acme/web@${SHA}`,
    "",
    "* fix a typo",
    "Deploys: to dev on Fridays",
    "Rollback: prod web when it breaks",
  ].join("\n");
  const parsed = parseTrailers(squash);
  expect(parsed.deploys).toEqual([
    { environment: "dev", image: "ghcr.io/acme/web", tag: "v1", repository: "acme/web", sha: SHA },
  ]);
  expect(parsed.rollbacks).toEqual([]);
});

test("a source on another host is named with its host, and parsed back into host and path", () => {
  const base = wanted("registry.example.com/payments/api", "42-0123456");
  const foreign: Wanted = {
    ...base,
    build: {
      ...base.build,
      trigger: "build",
      repository: {
        host: "gitlab.example.com",
        owner: "payments/backend",
        name: "api",
        defaultBranch: "main",
        htmlUrl: "https://gitlab.example.com/payments/backend/api",
      },
    },
  };
  const text = message([update("dev", foreign)]);
  expect(text).toContain(
    `Deploys: dev registry.example.com/payments/api:42-0123456 gitlab.example.com/payments/backend/api@${SHA}\n`,
  );
  expect(text).toContain(`Source-Repository: gitlab.example.com/payments/backend/api\nSource-Commit: ${SHA}`);
  const parsed = parseTrailers(text);
  expect(parsed.deploys).toEqual([
    {
      environment: "dev",
      image: "registry.example.com/payments/api",
      tag: "42-0123456",
      host: "gitlab.example.com",
      repository: "payments/backend/api",
      sha: SHA,
    },
  ]);
  expect(parsed.sources).toEqual([
    { host: "gitlab.example.com", repository: "payments/backend/api", sha: SHA, committedAt: MADE },
  ]);
  // The delivery figures find the source's time for the deployment: a lead time for a GitLab build.
  const history = deployHistory(
    [{ oid: "c1", committedAt: MADE + 60_000, message: text, parents: [] }],
    "c1",
  );
  expect(history.steps[0]?.deployments[0]?.sourceCommittedAt).toBe(MADE);
});

test("old trailers and GitHub sources parse as before: no host", () => {
  const parsed = parseTrailers(
    [
      `Deploys: dev ghcr.io/acme/web:v1 acme/web@${SHA}`,
      "Source-Repository: acme/web",
      `Source-Commit: ${SHA}`,
    ].join("\n"),
  );
  expect(parsed.deploys[0]).toMatchObject({ repository: "acme/web", host: undefined });
  expect(parsed.sources[0]).toMatchObject({ repository: "acme/web", host: undefined });
});
