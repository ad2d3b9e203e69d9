import { matchSource, type CommandRules, type Config } from "../config/index.js";
import { compareCommits, statusOf } from "../adapters/github/compare-commits.js";
import { limitCommands } from "../commands/limit-commands.js";
import { repeatedText, slowDownText } from "../core/render/command-limits.js";
import { accessOf, RANK, type Access } from "./command-access.js";
import type { CommandBudget } from "./command-budget.js";
import { fileHistory } from "../adapters/github/file-history.js";
import { repoKey, type Octokit, type RepoId } from "../adapters/github/octokit.js";
import type { CommandJob, CommandResult } from "../commands/command-job.js";
import {
  COMMAND_USAGE,
  parseCommands,
  type Command,
  type CommandKind,
  type ParsedLine,
} from "../commands/parse-commands.js";
import { resolveCommand, type CommandPorts } from "../commands/resolve-command.js";
import { fullName, type SourceRepository } from "../core/plan/build.js";
import { deployedImages } from "../core/plan/deployed.js";
import {
  commandReply,
  helpText,
  link,
  notRunText,
  outcomeLine,
  type ReplyEntry,
} from "../core/render/command-reply.js";
import { GITHUB_LIMITS, textSize } from "../core/render/fit-github.js";
import { stateEditText } from "../core/render/commit-message.js";
import { code, person, plain } from "../core/render/markdown.js";
import type { CommentEvent } from "../handlers/comment-from-payload.js";
import type { CommandItem, Logger } from "./deployer.js";
import type { ManifestsRegistry, ManifestsRepo } from "./manifests-registry.js";
import type { Pacer } from "./pacer.js";
import { isOwnRestPull, type AppIdentity } from "./app-identity.js";
import { globMatcher } from "../config/glob-matcher.js";
import { rowsTableWithin } from "../core/render/deployment-rows.js";
import { HISTORY_DEPTH as OBSERVED_DEPTH, type Deployments, type Observer } from "./observer.js";
import { sameImageName } from "../core/image-ref/normalize-image-name.js";
import type { InstallationPass } from "./reconciler.js";

export interface CommandRunnerDeps {
  readonly registry: ManifestsRegistry;
  /** Who the app is: `/retag` in the app's own pull request (and only its own) changes that pull request. */
  readonly identity: () => Promise<AppIdentity>;
  /** Adds a command to the manifests repository's deploy queue (the same queue builds go through). */
  readonly enqueue: (installationId: number, repo: ManifestsRepo, item: CommandItem) => void;
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

/** What a reply keeps for its entries and `/help`; `/status` tables share the rest of a comment. */
const REPLY_RESERVE = 12_000;

/** How deep `/rollback` looks back through a file's history. */
const HISTORY_DEPTH = 30;

interface Target {
  readonly repo: ManifestsRepo;
  readonly config: Config;
}

type Planned = { line: ParsedLine; command: Command; target: Target; job: CommandJob };
/** A comment's commands, the manifests repositories they concern, and what the person may do there. */
type Asked = { lines: readonly ParsedLine[]; targets: readonly Target[]; access: Access };
/** A command answered by running something other than a deploy job (`/reconcile`). */
type Deferred = { line: ParsedLine; run: () => Promise<ReplyEntry> };

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
    const notRun = [
      limited.notRun > 0 ? notRunText(limited.notRun, MAX_COMMANDS_PER_COMMENT) : "",
      limited.repeated > 0 ? repeatedText(limited.repeated) : "",
    ]
      .filter((part) => part !== "")
      .join(" ");
    const here = { owner: comment.repository.owner, name: comment.repository.name };
    const pacer = this.deps.pacer(installationId);
    // Until the person is known to have access to a manifests repository: no reactions, one reply at most.
    let say = new Voice(octokit, pacer, here, comment, "outsider");
    const budget = this.deps.budget.take(installationId, comment.login, lines.length, this.deps.now());
    if (budget.kind === "over") {
      this.deps.log.info({ comment: comment.url, login: comment.login }, "commands over the person's budget");
      for (const line of lines) this.deps.onCommand?.(line.ok ? line.command.kind : line.kind, "denied");
      if (budget.tell) await say.reply(slowDownText(comment.login, this.deps.budget.limit));
      return;
    }
    try {
      const targets = await this.targets(octokit, installationId, comment.repository);
      const access = await accessOf(
        octokit,
        targets.map((target) => target.repo),
        comment.login,
        here,
      );
      if (access.member) say = new Voice(octokit, pacer, here, comment, "member");
      await say.react("eyes");
      await this.run(octokit, installationId, comment, { lines, targets, access }, say, notRun);
    } catch (error) {
      // The person saw 👀: say that it failed rather than leave them waiting.
      this.deps.log.error({ err: error, comment: comment.url }, "a command failed");
      await say.reply(
        `@${comment.login} the command failed: GitHub answered with an error. Try again later.\n`,
      );
      await say.react("confused");
    }
  }

  private async run(
    octokit: Octokit,
    installationId: number,
    comment: CommentEvent,
    asked: Asked,
    say: Voice,
    notRun: string,
  ): Promise<void> {
    const { lines } = asked;
    const entries = await this.plan(octokit, installationId, comment, asked);
    const tail = (text: string) => [notRun, text].filter((part) => part !== "").join("\n\n");
    if (entries.kind === "refused") {
      const denied = entries.entries.some((entry) => entry.lines.some((text) => text.includes(" may not ")));
      for (const line of lines)
        this.deps.onCommand?.(line.ok ? line.command.kind : line.kind, denied ? "denied" : "invalid");
      await say.reply(
        commandReply(
          comment.login,
          entries.entries,
          tail("Nothing was run. Fix the command and comment again."),
        ),
      );
      await say.react("confused");
      return;
    }
    const results = await Promise.all(
      entries.planned.map(
        (planned) =>
          new Promise<{ planned: Planned; result: CommandResult }>((resolve) =>
            this.deps.enqueue(installationId, planned.target.repo, {
              kind: "command",
              installationId,
              repo: { owner: planned.target.repo.owner, name: planned.target.repo.name },
              job: planned.job,
              settle: (result) => resolve({ planned, result }),
            }),
          ),
      ),
    );
    const deferred = await Promise.all(
      entries.deferred.map(async ({ line, run }) => ({ line, entry: await run() })),
    );
    const replies = [
      ...entries.answered,
      ...deferred,
      ...results.map(({ planned, result }) => resultEntry(planned, result)),
    ];
    const ordered = lines.flatMap((line) =>
      replies.filter((entry) => entry.line === line).map((entry) => entry.entry),
    );
    for (const line of lines)
      if (line.ok)
        this.deps.onCommand?.(
          line.command.kind,
          replies.every((entry) => entry.line !== line || entry.entry.ok) ? "done" : "failed",
        );
    await say.reply(commandReply(comment.login, ordered, tail(entries.tail)));
    await say.react(ordered.every((entry) => entry.ok) ? "rocket" : "confused");
  }

  /** Every command checked against every manifests repository it concerns; any problem refuses them all. */
  private async plan(
    octokit: Octokit,
    installationId: number,
    comment: CommentEvent,
    { lines, targets, access }: Asked,
  ): Promise<
    | { kind: "refused"; entries: ReplyEntry[] }
    | {
        kind: "run";
        planned: Planned[];
        deferred: Deferred[];
        answered: { line: ParsedLine; entry: ReplyEntry }[];
        tail: string;
      }
  > {
    const refused: ReplyEntry[] = [];
    for (const line of lines)
      if (!line.ok)
        refused.push({
          text: line.text,
          ok: false,
          lines: [line.problem, `fix: ${line.fix} (\`${COMMAND_USAGE[line.kind]}\`)`],
        });
    if (refused.length > 0) return { kind: "refused", entries: refused };

    // `/status` and the environments `/help` lists are only for those who may read the manifests.
    const readable = targets.filter((target) => access.canRead(target.repo));
    // Every `/status` table of the reply gets an equal share of what a comment holds.
    const tables = lines.filter((line) => line.ok && line.command.kind === "status").length;
    const statusBudget = Math.floor(
      (GITHUB_LIMITS.comment - REPLY_RESERVE) / Math.max(1, tables * readable.length),
    );
    const answered: { line: ParsedLine; entry: ReplyEntry }[] = [];
    const planned: Planned[] = [];
    const deferred: Deferred[] = [];
    let tail = "";
    for (const line of lines) {
      if (!line.ok) continue;
      const { command } = line;
      if (command.kind === "help") {
        tail = helpText(
          Object.entries(readable[0]?.config.environments ?? {}).map(([name, env]) => ({
            name,
            who: whoMay(env.commands),
          })),
        );
        answered.push({
          line,
          entry: { text: line.text, ok: true, lines: ["the commands are listed below"] },
        });
        continue;
      }
      if (targets.length === 0) {
        refused.push({
          text: line.text,
          ok: false,
          lines: [
            `${fullName(comment.repository)} is not a manifests repository of this app, and none deploys its builds`,
            "fix: run the command in the manifests repository, or add this repository to its `sources`",
          ],
        });
        continue;
      }
      if (command.kind === "status" && readable.length === 0) {
        refused.push({
          text: line.text,
          ok: false,
          lines: [
            `@${comment.login} may not see what the manifests repository holds: \`/status\` answers only those who can read it`,
            "fix: ask someone with read access to the manifests repository",
          ],
        });
        continue;
      }
      if (command.kind === "status") {
        const unknown = readable.flatMap((target) => {
          const known = Object.keys(target.config.environments);
          return command.environment === undefined || known.includes(command.environment)
            ? []
            : [
                `${fullName(target.repo)} has no environment \`${command.environment}\``,
                `fix: use one of ${known.map((name) => code(name)).join(", ")}`,
              ];
        });
        if (unknown.length > 0) {
          refused.push({ text: line.text, ok: false, lines: unknown });
          continue;
        }
        const tables = await Promise.all(
          readable.map((target) => this.status(octokit, comment, target, command.environment, statusBudget)),
        );
        tail = [tail, ...tables].filter((text) => text !== "").join("\n\n");
        answered.push({ line, entry: { text: line.text, ok: true, lines: ["what runs where is below"] } });
        continue;
      }
      if (command.kind === "reconcile") {
        const problems: string[] = [];
        for (const target of targets) {
          const problem = this.allowed(target, command, comment.login, access);
          if (problem) problems.push(...problem);
        }
        if (problems.length > 0) {
          refused.push({ text: line.text, ok: false, lines: problems });
          continue;
        }
        deferred.push({
          line,
          run: async () =>
            passEntry(
              line.text,
              await this.deps.reconcile(
                installationId,
                targets.map((target) => target.repo),
              ),
            ),
        });
        continue;
      }
      for (const target of targets) {
        const problem = this.allowed(target, command, comment.login, access);
        if (problem) {
          refused.push({ text: line.text, ok: false, lines: problem });
          continue;
        }
        const resolved = await resolveCommand(
          command,
          {
            config: target.config,
            repository: comment.repository,
            inManifests: repoKey(target.repo) === repoKey(comment.repository),
            by: comment.login,
            id: `comment-${comment.commentId}-${line.line}-${repoKey(target.repo)}`,
            now: this.deps.now(),
            url: comment.url,
          },
          this.ports(octokit, comment, target),
        );
        if (!resolved.ok)
          refused.push({ text: line.text, ok: false, lines: [resolved.problem, `fix: ${resolved.fix}`] });
        else planned.push({ line, command, target, job: resolved.job });
      }
    }
    if (refused.length > 0) return { kind: "refused", entries: refused };
    return { kind: "run", planned, deferred, answered, tail };
  }

  /** `/status`: the table of what runs where in one manifests repository (in a source repository: its image). */
  private async status(
    octokit: Octokit,
    comment: CommentEvent,
    target: Target,
    environment: string | undefined,
    budget: number,
  ): Promise<string> {
    const observed = await this.deps.observer.observe(octokit, target.repo, this.deps.now());
    const title = `**${fullName(target.repo)}**${environment ? ` (${environment})` : ""}`;
    if (observed.kind === "failed") return `${title}: cannot read it: ${plain(observed.reason)}`;
    const here = repoKey(comment.repository);
    const inManifests = here === repoKey(target.repo);
    const rows = observed.observation.rows.filter(
      (row) =>
        (environment === undefined || row.environment === environment) &&
        (inManifests || row.repository === here),
    );
    if (rows.length === 0) return `${title}: no file there deploys an image the config builds`;
    const table = rowsTableWithin(rows, this.deps.now(), OBSERVED_DEPTH, {
      coarse: false,
      withEnvironment: true,
      budget: budget - textSize(title) - 2,
      more: (omitted) =>
        `_… ${omitted} more row${omitted === 1 ? "" : "s"} not shown: a comment holds at most ${GITHUB_LIMITS.comment} characters (rows that need a look are shown first)${environment === undefined ? "; `/status <env>` shows one environment" : ""}._`,
    });
    return `${title}\n\n${table}`;
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

  /** Why the person may not run the command there (undefined: they may). */
  private allowed(target: Target, command: Command, login: string, access: Access): string[] | undefined {
    // Someone who may not read the manifests learns nothing of them, not even their environments.
    if (!access.canRead(target.repo))
      return [
        `@${login} may not run \`/${command.kind}\` here: that takes permission on the manifests repository`,
        "fix: ask someone who may",
      ];
    const environments = environmentsOf(command);
    const known = Object.keys(target.config.environments);
    for (const environment of environments)
      if (!known.includes(environment))
        return [
          `${fullName(target.repo)} has no environment \`${environment}\``,
          `fix: use one of ${known.map((name) => code(name)).join(", ")}`,
        ];
    const rank = access.rank(target.repo);
    if (command.kind === "reconcile" && rank < (RANK["write"] ?? Infinity))
      return [
        `@${login} may not run \`/reconcile\` in ${fullName(target.repo)}: that takes write permission on the manifests repository`,
        "fix: ask someone who may; the scheduled pass runs anyway",
      ];
    // `/promote` reads its first environment and changes only the second.
    for (const environment of command.kind === "promote" ? [command.to] : environments) {
      const rules = target.config.environments[environment]?.commands;
      if (!rules) continue; // checked above: every environment named exists
      const users = rules.users?.map((user) => user.toLowerCase());
      if (rank < (RANK[rules.permission] ?? Infinity) || (users && !users.includes(login.toLowerCase())))
        return [
          `@${login} may not change \`${environment}\` in ${fullName(target.repo)}: that takes ${whoMay(rules)}`,
          "fix: ask someone who may, or an admin of the manifests repository",
        ];
    }
    return undefined;
  }

  private ports(octokit: Octokit, comment: CommentEvent, target: Target): CommandPorts {
    // The manifests are read once per command and target, whichever ports ask.
    let read: Promise<Deployments | undefined> | undefined;
    const deployments = (): Promise<Deployments | undefined> =>
      (read ??= this.deps.observer
        .deployments(octokit, target.repo)
        .then((result) => (result.kind === "read" ? result.deployments : undefined)));
    /** The files of `environment` that deploy `image`, with their tags, and the branch they are on. */
    const filesOf = async (environment: string, image: string) => {
      const found = await deployments();
      if (!found) return undefined;
      const files = found.entries
        .filter((entry) => entry.environment === environment && sameImageName(entry.image, image))
        .map((entry) => ({ path: entry.path, tag: entry.tag }));
      return { branch: found.snapshot.branch, files };
    };
    const repoOf = (repository: SourceRepository): RepoId => ({
      owner: repository.owner,
      name: repository.name,
    });
    return {
      imagesIn: async (environment) => [
        ...new Set(
          ((await deployments())?.entries ?? [])
            .filter((entry) => entry.environment === environment)
            .map((entry) => entry.image),
        ),
      ],
      repository: async (owner, name) => {
        try {
          const { data } = await octokit.rest.repos.get({ owner, repo: name });
          return {
            owner: data.owner.login,
            name: data.name,
            defaultBranch: data.default_branch,
            htmlUrl: data.html_url,
          };
        } catch (error) {
          if (statusOf(error) === 404) return undefined;
          throw error;
        }
      },
      pullHead: async () => {
        if (!comment.isPullRequest) return undefined;
        const { data } = await octokit.rest.pulls.get({
          owner: comment.repository.owner,
          repo: comment.repository.name,
          pull_number: comment.issueNumber,
        });
        return {
          sha: data.head.sha,
          branch: data.head.ref,
          repository: data.head.repo?.full_name ?? "",
          byApp: isOwnRestPull(data, comment.repository, await this.deps.identity()),
        };
      },
      commit: async (repository, ref) => {
        try {
          const { data } = await octokit.rest.repos.getCommit({ ...ownerRepo(repoOf(repository)), ref });
          return data.sha;
        } catch (error) {
          if (statusOf(error) === 404 || statusOf(error) === 422) return undefined;
          throw error;
        }
      },
      onDefaultBranch: async (repository, sha) => {
        // Qualified: a bare `main` would be the tag `main` when there is one.
        const branch = `refs/heads/${repository.defaultBranch}`;
        const status = await compareCommits(octokit, repoOf(repository), sha, branch);
        return status === "ahead" || status === "identical";
      },
      buildSucceeded: async (repository, sha, workflows) => {
        const { data } = await octokit.rest.actions.listWorkflowRunsForRepo({
          ...ownerRepo(repoOf(repository)),
          head_sha: sha,
          status: "success",
          per_page: 100,
        });
        const matches = workflows.length === 0 ? () => true : globMatcher(workflows);
        const runs = data.workflow_runs.filter((run) => matches(run.path));
        const own = `${repository.owner}/${repository.name}`.toLowerCase();
        if (runs.some((run) => run.head_repository.full_name.toLowerCase() === own))
          return { kind: "succeeded" };
        const fork = runs[0]?.head_repository.full_name;
        return fork === undefined ? { kind: "none" } : { kind: "fork", repository: fork };
      },
      deployedTag: async (environment, image) =>
        (await filesOf(environment, image))?.files.find((file) => file.tag !== undefined)?.tag,
      tagHistory: async (environment, image) => {
        const found = await filesOf(environment, image);
        const path = found?.files[0]?.path;
        if (!found || path === undefined) return [];
        const versions = await fileHistory(octokit, target.repo, found.branch, path, HISTORY_DEPTH);
        const tags: string[] = [];
        for (const version of versions) {
          const tag = deployedImages(path, version.text, [image]).get(image)?.tag;
          if (tag !== undefined && tags.at(-1) !== tag) tags.push(tag);
        }
        return tags;
      },
    };
  }
}

function ownerRepo(repo: RepoId): { owner: string; repo: string } {
  return { owner: repo.owner, repo: repo.name };
}

function environmentsOf(command: Command): string[] {
  switch (command.kind) {
    case "promote":
      return [command.from, command.to];
    case "status":
      return command.environment === undefined ? [] : [command.environment];
    case "help":
    case "reconcile":
      return [];
    default:
      return [command.environment];
  }
}

function whoMay(rules: CommandRules): string {
  // Named without a ping: anyone's `/help` or refused command would otherwise notify them all.
  const users = rules.users ? ` and one of ${rules.users.map(person).join(", ")}` : "";
  return `${rules.permission} permission on the manifests repository${users}`;
}

/** `/reconcile`'s reply: what each manifests repository's pass found and did. */
function passEntry(text: string, pass: InstallationPass): ReplyEntry {
  if (pass.kind === "busy")
    return { text, ok: false, lines: ["a pass is running right now: its result will be on the dashboard"] };
  const lines = pass.results.map((result) => {
    const what =
      result.found === 0
        ? "nothing drifted"
        : `${result.found} behind the newest build, ${result.repaired} repaired${result.stopped > 0 ? `, ${result.stopped} held or frozen` : ""}`;
    const end = result.message ? ` (${plain(result.message)})` : "";
    return `${result.repo}: ${result.result === "failed" ? "failed" : what}${end}`;
  });
  return {
    text,
    ok: pass.results.every((result) => result.result !== "failed"),
    lines: lines.length > 0 ? lines : ["no manifests repository to reconcile"],
  };
}

function resultEntry(planned: Planned, result: CommandResult): { line: ParsedLine; entry: ReplyEntry } {
  const text = planned.line.text;
  if (result.kind === "failed")
    return {
      line: planned.line,
      entry: { text, ok: false, lines: [`nothing was changed: ${plain(result.message)}`] },
    };
  const lines: string[] = [];
  for (const edit of planned.job.edits)
    lines.push(
      `${stateEditText(edit)}${result.stateLanding ? ` in ${link(result.stateLanding.label, result.stateLanding.url)}` : " (already so)"}`,
    );
  for (const { outcome, landing } of result.reported) lines.push(outcomeLine(outcome, landing));
  for (const freeze of result.frozen)
    lines.push(
      `${freeze.environment} is frozen by ${person(freeze.by)}${freeze.reason ? ` (${plain(freeze.reason)})` : ""}: this change was made because you asked for it`,
    );
  if (planned.job.wanted.length > 0 && result.reported.length === 0)
    lines.push("no file in that environment deploys this image");
  const ok =
    result.reported.every(
      ({ outcome }) => outcome.kind === "written" || outcome.skip.reason === "already-deployed",
    ) && !(planned.job.wanted.length > 0 && result.reported.length === 0);
  return { line: planned.line, entry: { text, ok, lines: lines.length > 0 ? lines : ["done"] } };
}

/**
 * Reactions and replies on the comment, paced as the content-creating requests they are, in the
 * pacer's lane for replies (never in the slots deploys need). An outsider gets no reactions and at most
 * one reply.
 */
class Voice {
  private replies = 0;

  constructor(
    private readonly octokit: Octokit,
    private readonly pacer: Pacer,
    private readonly repo: RepoId,
    private readonly comment: CommentEvent,
    private readonly to: "member" | "outsider",
  ) {}

  async react(content: "eyes" | "rocket" | "confused"): Promise<void> {
    if (this.to === "outsider") return;
    await this.pacer.take("reply");
    await this.octokit.rest.reactions.createForIssueComment({
      ...ownerRepo(this.repo),
      comment_id: this.comment.commentId,
      content,
    });
  }

  async reply(body: string): Promise<void> {
    if (this.to === "outsider" && this.replies > 0) return;
    this.replies += 1;
    await this.pacer.take("reply");
    await this.octokit.rest.issues.createComment({
      ...ownerRepo(this.repo),
      issue_number: this.comment.issueNumber,
      body,
    });
  }
}
