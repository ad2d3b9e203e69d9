import type { CommandResult } from "../../commands/command-job.js";
import { link, outcomeLine, type ReplyEntry } from "../../core/render/command-reply.js";
import { stateEditText } from "../../core/render/commit-message.js";
import { person, plain } from "../../core/render/markdown.js";
import type { InstallationPass } from "../reconciler.js";
import type { Answered, Planned } from "./checked.js";

/** `/reconcile`'s reply: what each manifests repository's pass found and did. */
export function passEntry(text: string, pass: InstallationPass): ReplyEntry {
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

/** A deploy job's reply: its state edits, what became of its builds, the freezes it went through. */
export function resultEntry(planned: Planned, result: CommandResult): Answered {
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
