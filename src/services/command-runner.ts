import { notQueued } from "../routing/deploy-queue-port.js";
import { matchSource } from "../config/index.js";
import { limitCommands, type LimitedCommands } from "../commands/limit-commands.js";
import { repeatedText, slowDownText } from "../core/render/command-limits.js";
import { accessOf } from "./command-access.js";
import type { CommandBudget } from "./command-budget.js";
import { repoKey, type Octokit, type RepoId } from "../adapters/github/octokit.js";
import type { CommandResult } from "../commands/command-job.js";
import { parseCommands, type CommandKind, type ParsedLine } from "../commands/parse-commands.js";
import { fullName, type SourceRepository } from "../core/plan/build.js";
import { commandReply, notRunText } from "../core/render/command-reply.js";
import type { CommentEvent } from "../handlers/comment-from-payload.js";
import type { CommandItem, Logger } from "./deployer.js";
import type { ManifestsRegistry, ManifestsRepo } from "./manifests-registry.js";
import type { Pacer } from "./pacer.js";
import type { AppIdentity } from "./app-identity.js";
import type { Observer } from "./observer.js";
import type { InstallationPass } from "./reconciler.js";
import type { Answered, Asked, Checked, Planned, Target } from "./command/checked.js";
import { checkCommands } from "./command/check-commands.js";
import { resultEntry } from "./command/reply-entries.js";
import { Voice } from "./command/voice.js";

export interface CommandRunnerDeps {
  readonly registry: ManifestsRegistry;
  /** Who the app is: `/retag` in the app's own pull request (and only its own) changes that pull request. */
  readonly identity: () => Promise<AppIdentity>;
  /** Adds a command to the manifests repository's deploy queue (the same queue builds go through). */
  readonly enqueue: (installationId: number, repo: ManifestsRepo, item: CommandItem) => Promise<void>;
  readonly pacer: (installationId: number) => Pacer;
  readonly log: Logger;
  readonly now: () => number;
  /** Reads what runs where, for `/status`. */
  readonly observer: Observer;
  /** Told what became of each command (metrics). */
  readonly onCommand?: (kind: CommandKind, result: "done" | "failed" | "denied" | "invalid") => void;
  /** Runs a reconciliation pass over these manifests repositories, for `/reconcile`. */
  readonly reconcile: (installationId: number, repos: readonly RepoId[]) => Promise<InstallationPass>;
  /** How many commands each person may run a minute. */
  readonly budget: CommandBudget;
}

/** The commands of one comment that are run; the rest are named in the reply as not run. */
export const MAX_COMMANDS_PER_COMMENT = 20;

/**
 * Slash commands in a new comment: acknowledged with 👀, checked whole (syntax, environments,
 * permissions) before anything runs, run through the deploy queue like builds, and answered in one
 * reply with 🚀 or 😕. Bad input runs nothing.
 */
export class CommandRunner {
  constructor(private readonly deps: CommandRunnerDeps) {}

  async handle(octokit: Octokit, installationId: number, comment: CommentEvent): Promise<void> {
    const limited = limitCommands(parseCommands(comment.body), MAX_COMMANDS_PER_COMMENT);
    const { lines } = limited;
    if (lines.length === 0) return;
    const here = { owner: comment.repository.owner, name: comment.repository.name };
    const pacer = this.deps.pacer(installationId);
    // Until the person is known to have access to a manifests repository: no reactions, one reply at most.
    let say = new Voice(octokit, pacer, here, comment, "outsider");
    // 1. The person's budget: over it, nothing runs (said once).
    if (await this.overBudget(installationId, comment, lines, say)) return;
    try {
      // 2. Access: the manifests repositories concerned and what the person may do there; 👀 for members.
      const asked = await this.asked(octokit, installationId, comment, lines);
      if (asked.access.member) say = new Voice(octokit, pacer, here, comment, "member");
      await say.react("eyes");
      // 3. Resolve and check every command before running any: one problem refuses them all.
      const checked = await checkCommands(this.deps, octokit, installationId, comment, asked);
      const notRun = notRunNote(limited);
      if (checked.kind === "refused") return await this.refuse(comment, lines, checked.entries, say, notRun);
      // 4. Enqueue: deploy jobs through the deploy queue, the rest run as asked; wait for each to settle.
      const replies = await this.execute(installationId, checked);
      // 5. Answer: one reply, in the order of the comment, and 🚀 or 😕.
      await this.answer(comment, lines, replies, checked.tail, say, notRun);
    } catch (error) {
      // The person saw 👀: say that it failed rather than leave them waiting.
      this.deps.log.error({ err: error, comment: comment.url }, "a command failed");
      await say.reply(
        `@${comment.login} the command failed: GitHub answered with an error. Try again later.\n`,
      );
      await say.react("confused");
    }
  }

  /** Whether the person has run too many commands this minute (then each is counted as denied). */
  private async overBudget(
    installationId: number,
    comment: CommentEvent,
    lines: readonly ParsedLine[],
    say: Voice,
  ): Promise<boolean> {
    const budget = this.deps.budget.take(installationId, comment.login, lines.length, this.deps.now());
    if (budget.kind !== "over") return false;
    this.deps.log.info({ comment: comment.url, login: comment.login }, "commands over the person's budget");
    for (const line of lines) this.deps.onCommand?.(line.ok ? line.command.kind : line.kind, "denied");
    if (budget.tell) await say.reply(slowDownText(comment.login, this.deps.budget.limit));
    return true;
  }

  /** The comment's commands with the manifests repositories they concern and the person's access there. */
  private async asked(
    octokit: Octokit,
    installationId: number,
    comment: CommentEvent,
    lines: readonly ParsedLine[],
  ): Promise<Asked> {
    const targets = await this.targets(octokit, installationId, comment.repository);
    const here = { owner: comment.repository.owner, name: comment.repository.name };
    const repos = targets.map((target) => target.repo);
    const access = await accessOf(octokit, repos, comment.login, here);
    return { lines, targets, access };
  }

  /**
   * The manifests repositories a comment's commands are about: the repository itself when it is one,
   * else those whose config deploys builds of it (a source repository).
   */
  private async targets(
    octokit: Octokit,
    installationId: number,
    repository: SourceRepository,
  ): Promise<Target[]> {
    const repos = await this.deps.registry.list(installationId, octokit);
    const valid = repos.flatMap((repo) => (repo.config.ok ? [{ repo, config: repo.config.config }] : []));
    const itself = valid.filter((target) => repoKey(target.repo) === repoKey(repository));
    if (itself.length > 0) return itself;
    return valid.filter((target) => matchSource(target.config, fullName(repository)) !== undefined);
  }

  /** Nothing runs: the reply names every problem. */
  private async refuse(
    comment: CommentEvent,
    lines: readonly ParsedLine[],
    entries: Extract<Checked, { kind: "refused" }>["entries"],
    say: Voice,
    notRun: string,
  ): Promise<void> {
    const denied = entries.some((entry) => entry.lines.some((text) => text.includes(" may not ")));
    for (const line of lines)
      this.deps.onCommand?.(line.ok ? line.command.kind : line.kind, denied ? "denied" : "invalid");
    await say.reply(
      commandReply(
        comment.login,
        entries,
        tail(notRun, "Nothing was run. Fix the command and comment again."),
      ),
    );
    await say.react("confused");
  }

  /** Each deploy job queued with the builds, each other command run; resolves with every entry of the reply. */
  private async execute(
    installationId: number,
    checked: Extract<Checked, { kind: "run" }>,
  ): Promise<Answered[]> {
    const results = await Promise.all(
      checked.planned.map(
        (planned) =>
          new Promise<{ planned: Planned; result: CommandResult }>((resolve) =>
            this.deps
              .enqueue(installationId, planned.target.repo, {
                kind: "command",
                installationId,
                repo: { owner: planned.target.repo.owner, name: planned.target.repo.name },
                job: planned.job,
                settle: (result) => resolve({ planned, result }),
              })
              .catch((error: unknown) =>
                resolve({ planned, result: { kind: "failed", message: notQueued(error) } }),
              ),
          ),
      ),
    );
    const deferred = await Promise.all(
      checked.deferred.map(async ({ line, run }) => ({ line, entry: await run() })),
    );
    return [
      ...checked.answered,
      ...deferred,
      ...results.map(({ planned, result }) => resultEntry(planned, result)),
    ];
  }

  /** The reply, its entries in the order of the comment's lines; each command counted done or failed. */
  private async answer(
    comment: CommentEvent,
    lines: readonly ParsedLine[],
    replies: readonly Answered[],
    after: string,
    say: Voice,
    notRun: string,
  ): Promise<void> {
    const ordered = lines.flatMap((line) =>
      replies.filter((entry) => entry.line === line).map((entry) => entry.entry),
    );
    for (const line of lines)
      if (line.ok)
        this.deps.onCommand?.(
          line.command.kind,
          replies.every((entry) => entry.line !== line || entry.entry.ok) ? "done" : "failed",
        );
    await say.reply(commandReply(comment.login, ordered, tail(notRun, after)));
    await say.react(ordered.every((entry) => entry.ok) ? "rocket" : "confused");
  }
}

/** What the reply says of the commands that were not run (over the limit of a comment, or repeated). */
function notRunNote(limited: LimitedCommands): string {
  return [
    limited.notRun > 0 ? notRunText(limited.notRun, MAX_COMMANDS_PER_COMMENT) : "",
    limited.repeated > 0 ? repeatedText(limited.repeated) : "",
  ]
    .filter((part) => part !== "")
    .join(" ");
}

function tail(notRun: string, text: string): string {
  return [notRun, text].filter((part) => part !== "").join("\n\n");
}
