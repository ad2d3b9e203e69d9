import { repoKey, type Octokit, type RepoId } from "../../adapters/github/octokit.js";
import { COMMAND_USAGE, type Command, type ParsedLine } from "../../commands/parse-commands.js";
import { resolveCommand } from "../../commands/resolve-command.js";
import { fullName } from "../../core/plan/build.js";
import { helpText, type ReplyEntry } from "../../core/render/command-reply.js";
import { GITHUB_LIMITS } from "../../core/render/fit-github.js";
import { code } from "../../core/render/markdown.js";
import type { CommentEvent } from "../../handlers/comment-from-payload.js";
import type { InstallationPass } from "../reconciler.js";
import type { Answered, Asked, Checked, Deferred, Planned, Target } from "./checked.js";
import { permissionProblem, whoMay } from "./command-permission.js";
import { commandPorts, type PortsDeps } from "./command-ports.js";
import { passEntry } from "./reply-entries.js";
import { statusTable } from "./status-table.js";

/** What a reply keeps for its entries and `/help`; `/status` tables share the rest of a comment. */
const REPLY_RESERVE = 12_000;

export interface CheckDeps extends PortsDeps {
  readonly now: () => number;
  /** Runs a reconciliation pass over these manifests repositories, for `/reconcile`. */
  readonly reconcile: (installationId: number, repos: readonly RepoId[]) => Promise<InstallationPass>;
}

type Line = Extract<ParsedLine, { ok: true }>;
type CommandOf<Kind extends Command["kind"]> = Extract<Command, { kind: Kind }>;

/**
 * Every command of a comment checked against every manifests repository it concerns, before any runs:
 * syntax, environments, permissions, and each resolved into a deploy job. Any problem refuses them all.
 */
export async function checkCommands(
  deps: CheckDeps,
  octokit: Octokit,
  installationId: number,
  comment: CommentEvent,
  asked: Asked,
): Promise<Checked> {
  const refused = asked.lines.flatMap((line) =>
    line.ok
      ? []
      : [
          {
            text: line.text,
            ok: false,
            lines: [line.problem, `fix: ${line.fix} (\`${COMMAND_USAGE[line.kind]}\`)`],
          },
        ],
  );
  if (refused.length > 0) return { kind: "refused", entries: refused };
  const check = new CommentCheck(deps, octokit, installationId, comment, asked);
  for (const line of asked.lines) if (line.ok) await check.line(line);
  return check.result();
}

/** The checks of one comment's commands, line by line, gathering what to refuse, answer and run. */
class CommentCheck {
  private readonly refused: ReplyEntry[] = [];
  private readonly answered: Answered[] = [];
  private readonly planned: Planned[] = [];
  private readonly deferred: Deferred[] = [];
  private tail = "";
  /** `/status` and the environments `/help` lists are only for those who may read the manifests. */
  private readonly readable: readonly Target[];
  /** Every `/status` table of the reply gets an equal share of what a comment holds. */
  private readonly statusBudget: number;

  constructor(
    private readonly deps: CheckDeps,
    private readonly octokit: Octokit,
    private readonly installationId: number,
    private readonly comment: CommentEvent,
    private readonly asked: Asked,
  ) {
    this.readable = asked.targets.filter((target) => asked.access.canRead(target.repo));
    const tables = asked.lines.filter((line) => line.ok && line.command.kind === "status").length;
    this.statusBudget = Math.floor(
      (GITHUB_LIMITS.comment - REPLY_RESERVE) / Math.max(1, tables * this.readable.length),
    );
  }

  async line(line: Line): Promise<void> {
    const { command } = line;
    if (command.kind === "help") return this.help(line);
    if (this.asked.targets.length === 0)
      return this.refuse(line, [
        `${fullName(this.comment.repository)} is not a manifests repository of this app, and none deploys its builds`,
        "fix: run the command in the manifests repository, or add this repository to its `sources`",
      ]);
    if (command.kind === "status") return this.status(line, command);
    if (command.kind === "reconcile") return this.reconcile(line, command);
    return this.resolve(line, command);
  }

  result(): Checked {
    if (this.refused.length > 0) return { kind: "refused", entries: this.refused };
    const { planned, deferred, answered, tail } = this;
    return { kind: "run", planned, deferred, answered, tail };
  }

  private refuse(line: Line, lines: string[]): void {
    this.refused.push({ text: line.text, ok: false, lines });
  }

  private help(line: Line): void {
    this.tail = helpText(
      Object.entries(this.readable[0]?.config.environments ?? {}).map(([name, env]) => ({
        name,
        who: whoMay(env.commands),
      })),
    );
    this.answered.push({
      line,
      entry: { text: line.text, ok: true, lines: ["the commands are listed below"] },
    });
  }

  private async status(line: Line, command: CommandOf<"status">): Promise<void> {
    if (this.readable.length === 0)
      return this.refuse(line, [
        `@${this.comment.login} may not see what the manifests repository holds: \`/status\` answers only those who can read it`,
        "fix: ask someone with read access to the manifests repository",
      ]);
    const unknown = this.readable.flatMap((target) => {
      const known = Object.keys(target.config.environments);
      return command.environment === undefined || known.includes(command.environment)
        ? []
        : [
            `${fullName(target.repo)} has no environment \`${command.environment}\``,
            `fix: use one of ${known.map((name) => code(name)).join(", ")}`,
          ];
    });
    if (unknown.length > 0) return this.refuse(line, unknown);
    const { observer, now } = this.deps;
    const tables = await Promise.all(
      this.readable.map((target) =>
        statusTable(
          observer,
          now,
          this.octokit,
          this.comment,
          target,
          command.environment,
          this.statusBudget,
        ),
      ),
    );
    this.tail = [this.tail, ...tables].filter((text) => text !== "").join("\n\n");
    this.answered.push({ line, entry: { text: line.text, ok: true, lines: ["what runs where is below"] } });
  }

  private reconcile(line: Line, command: CommandOf<"reconcile">): void {
    const { targets, access } = this.asked;
    const problems = targets.flatMap(
      (target) => permissionProblem(target, command, this.comment.login, access) ?? [],
    );
    if (problems.length > 0) return this.refuse(line, problems);
    const repos = targets.map((target) => target.repo);
    this.deferred.push({
      line,
      run: async () => passEntry(line.text, await this.deps.reconcile(this.installationId, repos)),
    });
  }

  /** A command that changes an environment: resolved into a deploy job for each manifests repository. */
  private async resolve(line: Line, command: Command): Promise<void> {
    const { comment } = this;
    for (const target of this.asked.targets) {
      const problem = permissionProblem(target, command, comment.login, this.asked.access);
      if (problem) {
        this.refuse(line, problem);
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
        commandPorts(this.deps, this.octokit, comment, target),
      );
      if (!resolved.ok) this.refuse(line, [resolved.problem, `fix: ${resolved.fix}`]);
      else this.planned.push({ line, command, target, job: resolved.job });
    }
  }
}
