import type { Config } from "../../config/index.js";
import type { CommandJob } from "../../commands/command-job.js";
import type { Command, ParsedLine } from "../../commands/parse-commands.js";
import type { ReplyEntry } from "../../core/render/command-reply.js";
import type { Access } from "../command-access.js";
import type { ManifestsRepo } from "../manifests-registry.js";

/** A manifests repository a comment's commands concern, with its valid config. */
export interface Target {
  readonly repo: ManifestsRepo;
  readonly config: Config;
}

/** A command resolved into a deploy job for one manifests repository. */
export type Planned = { line: ParsedLine; command: Command; target: Target; job: CommandJob };
/** A comment's commands, the manifests repositories they concern, and what the person may do there. */
export type Asked = { lines: readonly ParsedLine[]; targets: readonly Target[]; access: Access };
/** A command answered by running something other than a deploy job (`/reconcile`). */
export type Deferred = { line: ParsedLine; run: () => Promise<ReplyEntry> };
/** A command's entry in the reply. */
export type Answered = { line: ParsedLine; entry: ReplyEntry };

/** Every command of a comment checked: refused whole, or what to run and what is answered already. */
export type Checked =
  | { kind: "refused"; entries: ReplyEntry[] }
  | { kind: "run"; planned: Planned[]; deferred: Deferred[]; answered: Answered[]; tail: string };
