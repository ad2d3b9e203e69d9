/** What a reply says of the limits on commands: repeated lines, and people who send too many. */

/** Lines of a comment that repeated a command already in it, which ran once. */
export function repeatedText(repeated: number): string {
  return `${repeated} repeated command${repeated === 1 ? "" : "s"} run once.`;
}

/** The one short reply to someone over their commands per minute (sent at most once a minute). */
export function slowDownText(login: string, limit: number): string {
  return `@${login} slow down: at most ${limit} commands a minute per person. Nothing of this comment was run; comment again in a minute.\n`;
}
