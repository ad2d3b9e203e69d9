import type { ParsedLine } from "./parse-commands.js";

/** The commands of a comment that run: each distinct command once, at most `max` of them. */
export interface LimitedCommands {
  readonly lines: readonly ParsedLine[];
  /** Lines that repeat a command already kept: run once, not again. */
  readonly repeated: number;
  /** Distinct commands beyond `max`: not run. */
  readonly notRun: number;
}

/**
 * Pure. A command written twice runs once (300 `/status` lines cost what one does): two lines are the
 * same command when they parse to the same command, whatever their spacing, the case of the command word or the order of services.
 * Invalid lines are the same when their text is.
 */
export function limitCommands(all: readonly ParsedLine[], max: number): LimitedCommands {
  const seen = new Set<string>();
  const distinct: ParsedLine[] = [];
  for (const line of all) {
    const key = commandKey(line);
    if (seen.has(key)) continue;
    seen.add(key);
    distinct.push(line);
  }
  return {
    lines: distinct.slice(0, max),
    repeated: all.length - distinct.length,
    notRun: Math.max(0, distinct.length - max),
  };
}

function commandKey(line: ParsedLine): string {
  if (!line.ok) return `invalid:${line.text.replace(/\s+/g, " ").toLowerCase()}`;
  const command = line.command;
  const services =
    "services" in command ? [...command.services].map((name) => name.toLowerCase()).sort() : [];
  const rest = Object.entries(command)
    .filter(([key]) => key !== "services")
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([rest, services]);
}
