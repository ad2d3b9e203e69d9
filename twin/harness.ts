import { createServer } from "node:net";
import { randomBytes } from "node:crypto";
import { run, ProbotOctokit, type ApplicationFunction, type Logger } from "probot";
import { Twin } from "./twin.js";
import { throwawayKeyPair } from "./keys.js";
import type { AppRecord, InstallationRecord, Permission, RepoRecord, WorkflowRunRecord } from "./state.js";
import type { CreateRepoInput, WorkflowRunInput } from "./store.js";
import type { Delivery } from "./webhooks.js";
import { commentPayload, issuePayload, recordComment, recordIssue } from "./issues.js";
import { examplePayloadFor, recordWorkflowRunWebhook } from "./workflow-run-webhook.js";
import { characters, LIMITS } from "./limits.js";
import { closePull, createPull, findPull, mergePull } from "./pulls.js";
import { branchMoved } from "./events.js";
import { ZERO_SHA } from "./git/git-repo.js";

export interface HarnessOptions {
  /** The Probot app under test, started in this process as `probot run` starts it. */
  readonly appFn?: ApplicationFunction;
  /**
   * Or: starts the app elsewhere (another process, to measure it apart) with the environment `probot
   * run` would get; resolves once it listens.
   */
  readonly startApp?: (env: Record<string, string>) => Promise<{ stop(): Promise<void> }>;
  /** Repositories to create before the app starts (owner defaults to the organisation). */
  readonly repos?: ReadonlyArray<Omit<CreateRepoInput, "owner"> & { owner?: string }>;
  /** The organisation that installs the app (default: acme). */
  readonly org?: string;
  /** Events the app subscribes to, for the events the twin causes (default: all). */
  readonly events?: readonly string[];
  /**
   * Keep Octokit's retry and throttling plugins on, as in production (default: off, for fast tests):
   * `true` for Probot's own Octokit, or the Octokit class production runs with.
   */
  readonly productionOctokit?: boolean | typeof ProbotOctokit;
  /** Extra environment for the app (merged over the harness's APP_ID, PRIVATE_KEY, WEBHOOK_SECRET ...). */
  readonly env?: Record<string, string>;
  /** Resolves when the app has no queued work; the harness waits for it in `idle()`. */
  readonly appIdle?: () => Promise<void>;
  readonly validate?: boolean;
  /** The app's logger (default: Probot's, on stdout): tests that read the app's log lines pass their own. */
  readonly log?: Logger;
}

/** Someone acting on GitHub by hand; the account is created the first time it acts. */
export interface PersonInput {
  readonly login: string;
  /** Default: User. */
  readonly type?: "User" | "Bot";
}

export interface IssueInput extends PersonInput {
  readonly owner: string;
  readonly name: string;
  readonly title: string;
  readonly body?: string;
}

export interface CommentInput extends PersonInput {
  readonly owner: string;
  readonly name: string;
  /** An issue's or a pull request's number. */
  readonly issueNumber: number;
  readonly body: string;
}

export interface PullInput extends PersonInput {
  /** The base repository. */
  readonly owner: string;
  readonly name: string;
  /** `branch` in the base repository, or `user:branch` in that user's fork of it. */
  readonly head: string;
  /** Default: the base repository's default branch. */
  readonly base?: string;
  readonly title: string;
  readonly body?: string;
}

export interface PushInput extends PersonInput {
  readonly owner: string;
  readonly name: string;
  readonly branch: string;
  readonly files: ReadonlyArray<{ path: string; content: string | null }>;
  readonly message?: string;
}

export interface MergeInput extends PersonInput {
  readonly owner: string;
  readonly name: string;
  readonly number: number;
  readonly method?: "merge" | "squash" | "rebase";
}

export interface Harness {
  readonly twin: Twin;
  readonly app: AppRecord;
  /** The environment the app was started with (APP_ID, PRIVATE_KEY, GHE_HOST ...): for CLI commands run against the twin. */
  readonly env: Readonly<Record<string, string>>;
  readonly installation: InstallationRecord;
  readonly webhookUrl: string;
  readonly secret: string;
  /** Sends a signed webhook to the app, with `installation` added; resolves with the app's answer. */
  send(event: string, payload: Record<string, unknown>, deliveryId?: string): Promise<Delivery>;
  /** A real payload from `@octokit/webhooks-examples` whose repository is `owner/name` in the twin. */
  example(event: string, action: string | undefined, owner: string, name: string): Record<string, unknown>;
  /**
   * A person opens an issue (stored as `issues/create` stores one); resolves with its number once the app
   * answered the `issues` opened webhook.
   */
  openIssue(input: IssueInput): Promise<{ number: number; delivery: Delivery }>;
  /**
   * A person comments on an issue or pull request (stored as `issues/create-comment` stores one); resolves
   * with the comment's id once the app answered the `issue_comment` created webhook sent by that person.
   */
  comment(input: CommentInput): Promise<{ id: number; delivery: Delivery }>;
  /**
   * A person opens a pull request as `pulls/create` does (GitHub's refusals included: a head in a
   * repository that is not a fork of the base is a 422); resolves with its number once the app answered
   * the `pull_request` opened webhook.
   */
  openPull(input: PullInput): Promise<{ number: number }>;
  /**
   * A person pushes a commit to a branch (created from the default one when new): `push`, and
   * `synchronize` for the open pull requests from that branch, in the repository or the one it forks.
   */
  push(input: PushInput): Promise<string>;
  /**
   * A person merges a pull request as `pulls/merge` does (GitHub's refusals included), and resolves with
   * the merge commit once the app answered the `pull_request` closed (merged) and `push` webhooks.
   */
  mergePull(input: MergeInput): Promise<string>;
  /** A person closes a pull request without merging; resolves once the app answered `pull_request` closed. */
  closePull(input: Omit<MergeInput, "method">): Promise<void>;
  /** Gives an account (created when new) a role on a repository, or takes it away (null). */
  setPermission(owner: string, name: string, login: string, permission: Permission | null): void;
  /**
   * Records a workflow run in the twin (so `GET .../actions/runs` lists it) and returns the `workflow_run`
   * webhook GitHub sends for it (action `completed`, or `requested`/`in_progress` for a run not done), built
   * from a real example: id, path, head, event, status and conclusion are the record's. Not sent: pass it to
   * `send`. Kept synchronous (callers build payloads inline), so `head_commit` keeps the example's message
   * and authors under the run's SHA, and `pull_requests` is empty; the REST answer reads both from git.
   */
  workflowRunPayload(
    owner: string,
    name: string,
    input: WorkflowRunInput,
  ): { run: WorkflowRunRecord; payload: Record<string, unknown> };
  /** Waits until the app and the twin are idle: webhooks answered, app queue empty, no request in flight. */
  idle(): Promise<void>;
  repo(owner: string, name: string): RepoRecord;
  /** A file's text at a ref (branch or SHA) in the twin, or null. */
  file(owner: string, name: string, path: string, ref?: string): Promise<string | null>;
  close(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now (for a server that must be told its port up front). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a GitHub twin and the app's real Probot HTTP server pointed at it (GHE_HOST, GHE_PROTOCOL=http),
 * with an app id, a throwaway private key and a random webhook secret, and the app installed on the org.
 */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const org = options.org ?? "acme";
  const twin = await Twin.create({
    ...(options.validate === undefined ? {} : { validate: options.validate }),
  });
  const twinUrl = new URL(await twin.listen());
  const keys = throwawayKeyPair();
  const secret = randomBytes(20).toString("hex");
  const port = await freePort();
  const webhookUrl = `http://127.0.0.1:${port}/api/github/webhooks`;
  const app = twin.store.createApp({
    id: 4242,
    slug: "gitops-image-bot",
    owner: org,
    publicKeyPem: keys.publicKey,
    webhookUrl,
    webhookSecret: secret,
    events: options.events ?? [],
  });
  for (const repo of options.repos ?? []) await twin.store.createRepo({ owner: org, ...repo });
  const installation = twin.store.install(app.id, org);

  const sigintBefore = new Set(process.listeners("SIGINT"));
  const Octokit = options.productionOctokit
    ? options.productionOctokit === true
      ? ProbotOctokit
      : options.productionOctokit
    : ProbotOctokit.defaults((octokitOptions: Record<string, unknown>) => ({
        ...octokitOptions,
        retry: { enabled: false },
        throttle: { enabled: false },
      }));
  const env: Record<string, string> = {
    APP_ID: String(app.id),
    PRIVATE_KEY: keys.privateKey,
    WEBHOOK_SECRET: secret,
    GHE_HOST: twinUrl.host,
    GHE_PROTOCOL: "http",
    HOST: "127.0.0.1",
    PORT: String(port),
    // Quiet by default (a forged webhook is logged as an error); LOG_LEVEL=debug shows the app's logs.
    LOG_LEVEL: process.env["LOG_LEVEL"] ?? "fatal",
    LOG_FORMAT: "json",
    ...options.env,
  };
  let server: { stop(): Promise<void> };
  if (options.startApp) server = await options.startApp(env);
  else if (options.appFn)
    server = await run(options.appFn, { env, Octokit, ...(options.log ? { log: options.log } : {}) });
  else throw new Error("startHarness: give appFn or startApp");
  // `run` installs a SIGINT handler per server; a test process starts many.
  const sigintAdded = process.listeners("SIGINT").filter((listener) => !sigintBefore.has(listener));

  const repo = (owner: string, name: string): RepoRecord => twin.store.requireRepo(owner, name);
  const send: Harness["send"] = (event, payload, deliveryId) =>
    twin.deliver(
      app,
      event,
      { ...payload, installation: { id: installation.id, node_id: `I_${installation.id}` } },
      deliveryId,
    );
  const example: Harness["example"] = (event, action, owner, name) =>
    examplePayloadFor(twin, repo(owner, name), event, action);
  return {
    twin,
    app,
    env,
    installation,
    webhookUrl,
    secret,
    send,
    example,
    openIssue: async (input) => {
      const record = repo(input.owner, input.name);
      const user = twin.store.account(input.login, input.type ?? "User");
      const issue = recordIssue(twin.store, record, { title: input.title, body: input.body ?? null, user });
      const delivery = await send("issues", issuePayload(twin.urls, record, issue, "opened", user));
      return { number: issue.number, delivery };
    },
    comment: async (input) => {
      const record = repo(input.owner, input.name);
      const issue = record.issues.get(input.issueNumber);
      if (!issue) throw new Error(`twin: ${input.owner}/${input.name} has no issue #${input.issueNumber}`);
      // A person cannot post what GitHub refuses either.
      if (characters(input.body) > LIMITS.comment)
        throw new Error(`twin: GitHub refuses a comment over ${LIMITS.comment} characters`);
      const user = twin.store.account(input.login, input.type ?? "User");
      const comment = recordComment(twin.store, record, issue, input.body, user);
      const payload = commentPayload(twin.urls, record, issue, comment, "created", user);
      return { id: comment.id, delivery: await send("issue_comment", payload) };
    },
    openPull: async (input) => {
      const record = repo(input.owner, input.name);
      const issue = await createPull(twin, record, {
        title: input.title,
        body: input.body ?? null,
        head: input.head,
        base: input.base ?? record.defaultBranch,
        draft: false,
        user: twin.store.account(input.login, input.type ?? "User"),
      });
      await twin.webhooks.settled();
      return { number: issue.number };
    },
    push: async (input) => {
      const record = repo(input.owner, input.name);
      const ref = `refs/heads/${input.branch}`;
      const before = (await record.git.getRef(ref)) ?? ZERO_SHA;
      const user = twin.store.account(input.login, input.type ?? "User");
      const after = await twin.store.commitFiles(
        record,
        input.branch,
        input.files,
        input.message ?? "a change",
        { name: user.name, email: user.email },
      );
      await branchMoved(twin, record, ref, before, after, user);
      await twin.webhooks.settled();
      return after;
    },
    mergePull: async (input) => {
      const record = repo(input.owner, input.name);
      const view = findPull(record, input.number);
      if (!view) throw new Error(`twin: ${input.owner}/${input.name} has no pull request #${input.number}`);
      const user = twin.store.account(input.login, input.type ?? "User");
      const sha = await mergePull(twin, record, view, { method: input.method ?? "squash", user });
      await twin.webhooks.settled();
      return sha;
    },
    closePull: async (input) => {
      const record = repo(input.owner, input.name);
      const view = findPull(record, input.number);
      if (!view) throw new Error(`twin: ${input.owner}/${input.name} has no pull request #${input.number}`);
      await closePull(twin, record, view.issue, twin.store.account(input.login, input.type ?? "User"));
      await twin.webhooks.settled();
    },
    setPermission: (owner, name, login, permission) => {
      twin.store.setPermission(repo(owner, name), login, permission);
    },
    workflowRunPayload: (owner, name, input) => recordWorkflowRunWebhook(twin, repo(owner, name), input),
    idle: async () => {
      await twin.webhooks.settled();
      await options.appIdle?.();
      await twin.idle();
    },
    repo,
    file: async (owner, name, path, ref) => {
      const record = repo(owner, name);
      const commit = await record.git.resolveCommit(ref ?? record.defaultBranch);
      if (!commit) return null;
      const entry = await record.git.entryAt(commit, path);
      if (!entry || entry.type !== "blob") return null;
      return ((await record.git.readBlob(entry.sha)) ?? Buffer.alloc(0)).toString("utf8");
    },
    close: async () => {
      await server.stop();
      for (const listener of sigintAdded) process.removeListener("SIGINT", listener);
      await twin.close();
    },
  };
}
