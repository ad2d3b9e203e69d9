import type { CommandRules } from "../../config/index.js";
import type { Command } from "../../commands/parse-commands.js";
import { fullName } from "../../core/plan/build.js";
import { code, person } from "../../core/render/markdown.js";
import { RANK, type Access } from "../command-access.js";
import type { Target } from "./checked.js";

/** Why the person may not run the command there (undefined: they may). */
export function permissionProblem(
  target: Target,
  command: Command,
  login: string,
  access: Access,
): string[] | undefined {
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

/** Who may run commands in an environment, as `/help` and refusals say it. */
export function whoMay(rules: CommandRules): string {
  // Named without a ping: anyone's `/help` or refused command would otherwise notify them all.
  const users = rules.users ? ` and one of ${rules.users.map(person).join(", ")}` : "";
  return `${rules.permission} permission on the manifests repository${users}`;
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
