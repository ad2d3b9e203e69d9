// Every text the app writes to GitHub stays within GitHub's limits, whatever the size of the batch or
// the comment, and says what it left out.
import { code, commandReply, type ReplyEntry } from "../../src/core/render/command-reply.js";
import { COMMIT_MESSAGE_LINES, commitMessage } from "../../src/core/render/commit-message.js";
import { GITHUB_LIMITS, textSize } from "../../src/core/render/fit-github.js";
import { pullRequestText } from "../../src/core/render/pull-request-text.js";
import type { PullRequestChange } from "../../src/core/plan/plan-batch.js";
import type { FileUpdate } from "../../src/core/plan/outcome.js";
import type { Wanted } from "../../src/core/plan/wanted.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

function wanted(image = "ghcr.io/acme/web", tag = SHA): Wanted {
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
      sha: SHA,
      branch: "main",
      event: "push",
      workflowPath: ".github/workflows/build.yml",
      url: undefined,
      image: undefined,
      receivedAt: 0,
    },
    image,
    tag,
    digest: undefined,
    tagTemplate: "{sha}",
  };
}

function updates(count: number, want = wanted()): FileUpdate[] {
  return Array.from({ length: count }, (_, i) => ({
    wanted: want,
    environment: "prod",
    path: `apps/web-${i}/overlays/prod/kustomization.yaml`,
    fromTag: "fedcba9876543210fedcba9876543210fedcba98",
    fromSha: "fedcba9876543210fedcba9876543210fedcba98",
    line: 6,
  }));
}

describe("pull request title and body", () => {
  const change = (count: number, want = wanted()): PullRequestChange => ({
    environment: "prod",
    image: want.image,
    mode: "pull-request",
    wanted: want,
    writes: [],
    updates: updates(count, want),
  });

  test("a small change lists every file", () => {
    const { body } = pullRequestText(change(3));
    expect(body.match(/^\| `apps\//gm)).toHaveLength(3);
    expect(body).not.toContain("more files");
  });

  test("2,000 files: the body fits, counts the files left out and keeps its marker", () => {
    const { body } = pullRequestText(change(2_000));
    expect(textSize(body)).toBeLessThanOrEqual(GITHUB_LIMITS.issueBody);
    const shown = body.match(/^\| `apps\//gm)?.length ?? 0;
    expect(shown).toBeGreaterThan(100);
    expect(body).toContain(`… and ${2_000 - shown} more files (see the changed files)`);
    expect(body.trimEnd().endsWith("<!-- gitops-image-bot: prod ghcr.io/acme/web -->")).toBe(true);
  });

  test("a title stays within 256 characters", () => {
    const { title } = pullRequestText(change(1, wanted(`ghcr.io/acme/${"w".repeat(400)}`, "v1")));
    expect(Array.from(title)).toHaveLength(GITHUB_LIMITS.title);
    expect(title.endsWith("…")).toBe(true);
  });
});

describe("commit message", () => {
  test("lists the first 100 changes, counts the rest, and keeps every trailer", () => {
    const message = commitMessage(updates(900));
    const listed = message.body.split("\n").filter((line) => line.startsWith("- prod: "));
    expect(listed).toHaveLength(COMMIT_MESSAGE_LINES);
    expect(message.body).toContain("- … and 800 more changes (see the diff)");
    expect(message.body).toContain(`Source-Commit: ${SHA}`);
  });
});

describe("command reply", () => {
  test("a command with backticks is shown as inline code it cannot break out of", () => {
    expect(code("/status")).toBe("`/status`");
    expect(code("/status `x` ``y``")).toBe("``` /status `x` ``y`` ```");
  });

  test("a reply that would be longer than a comment is cut at a line and says so", () => {
    const entries: ReplyEntry[] = Array.from({ length: 20 }, (_, i) => ({
      text: `/status ${"e".repeat(70_000)}`,
      ok: false,
      lines: [`\`${"e".repeat(70_000)}\` is not a valid environment name ${i}`, "fix: use a name"],
    }));
    const reply = commandReply("alice", entries, "x\n".repeat(70_000));
    expect(textSize(reply)).toBeLessThanOrEqual(GITHUB_LIMITS.comment);
    expect(reply.startsWith("@alice\n\n- ❌ `/status eeee")).toBe(true);
    expect(reply).toMatch(
      /_… \d+ more lines of this reply not shown: a comment holds at most 65536 characters._\n$/,
    );
  });
});
