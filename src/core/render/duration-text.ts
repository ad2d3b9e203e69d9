/**
 * How the app writes a duration, in two voices: `compactDuration` for a measured time in a status line
 * or a table (`45s`, `3m12s`, `1h02m`, `2d04h`), `spokenDuration` for a configured span in a sentence
 * (`90 seconds`, `30 minutes`, `2 hours`).
 */

/** A measured time, at most two units, the second padded: `0s`, `45s`, `3m12s`, `1h02m`, `2d04h`. */
export function compactDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes}m${pad(s % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h${pad(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d${pad(hours % 24)}h`;
}

/** A whole span in the unit it reads best in: `90 seconds`, `1 minute`, `30 minutes`, `2 hours`. */
export function spokenDuration(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 7200) return unit(seconds / 3600, "hour");
  if (seconds % 60 === 0 && seconds >= 60) return unit(seconds / 60, "minute");
  return unit(seconds, "second");
}

function pad(count: number): string {
  return String(count).padStart(2, "0");
}

function unit(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
