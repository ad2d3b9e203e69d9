import type { Finding } from "./finding.js";

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Seconds in a Go-style duration (`30m`, `1h30m`, `90s`, `0s`), or undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match || text === "") return undefined;
  const [, hours = "0", minutes = "0", seconds = "0"] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

/** A duration of at most a week, written as Argo CD and Prometheus write them. */
export function checkDuration(text: string): Finding | undefined {
  const seconds = durationSeconds(text);
  if (seconds === undefined)
    return {
      message: `"${text}" is not a duration`,
      fix: "write hours, minutes and seconds like `30m`, `1h30m` or `90s`",
    };
  if (seconds > 7 * 24 * 3600) return { message: `${text} is longer than a week`, fix: "use at most `168h`" };
  return undefined;
}
