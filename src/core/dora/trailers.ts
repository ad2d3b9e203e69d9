/**
 * The trailers the app writes into its commit messages so that delivery figures (DORA) can be read back
 * from the manifests repository's history alone, by any replica, after any restart:
 *
 * ```
 * Deploys: <env> <image>:<tag> <source-owner>/<repo>@<sha>    one per (environment, image) written
 *          (a source on another host: <host>/<path>@<sha>, e.g. gitlab.example.com/payments/api@<sha>)
 * Deploys-Omitted: <n>                                        when more were written than listed
 * Rollback: <env> <image> <from-tag> -> <to-tag>              /rollback, or onDegraded: rollback
 * Deploy-Failed: <env> <image>:<tag>                          a hold placed because <tag> went Degraded
 * Source-Repository: <owner>/<repo>                           (as before; <host>/<path> elsewhere)
 * Source-Commit: <sha>                                        (as before)
 * Source-Committed-At: <ISO 8601 time>                        after its Source-Commit, when known
 * ```
 *
 * Read leniently: a trailer line counts wherever it stands in the message (a squash merge may list
 * several commits' messages, each with its own trailers).
 */

export interface DeployTrailer {
  readonly environment: string;
  readonly image: string;
  readonly tag: string;
  /**
   * `owner/name` of the source repository (the whole path on another host); absent for an update of
   * no known source.
   */
  readonly repository: string | undefined;
  /** The source's host when it is not on GitHub (`gitlab.example.com`); undefined: GitHub. */
  readonly host?: string | undefined;
  /** The source commit; absent when the build named none (a package without a revision label). */
  readonly sha: string | undefined;
}

export interface RollbackTrailer {
  readonly environment: string;
  readonly image: string;
  readonly fromTag: string;
  readonly toTag: string;
}

export interface FailedTrailer {
  readonly environment: string;
  readonly image: string;
  readonly tag: string;
}

export interface SourceTrailer {
  /** As `DeployTrailer.repository`: the path on its host. */
  readonly repository: string;
  readonly host?: string | undefined;
  readonly sha: string;
  /** ms since the epoch, from `Source-Committed-At`. */
  readonly committedAt: number | undefined;
}

export interface Trailers {
  readonly deploys: readonly DeployTrailer[];
  /** Deployments the commit made but did not list (`Deploys-Omitted`). */
  readonly omitted: number;
  readonly rollbacks: readonly RollbackTrailer[];
  readonly failures: readonly FailedTrailer[];
  readonly sources: readonly SourceTrailer[];
}

/** Hold reasons that say a deployment failed: the onDegraded reaction writes them. */
export function isFailureReason(reason: string | undefined): boolean {
  return reason !== undefined && /^(degraded|sync failed)/i.test(reason.trim());
}

/** `<image>:<tag>`: the tag follows the last `:` that has no `/` after it (a registry port has one). */
function splitImageTag(text: string): { image: string; tag: string } | undefined {
  const colon = text.lastIndexOf(":");
  if (colon <= 0 || text.includes("/", colon)) return undefined;
  const image = text.slice(0, colon);
  const tag = text.slice(colon + 1);
  return tag === "" ? undefined : { image, tag };
}

/** How a trailer names a source: `owner/name` on GitHub, `<host>/<path>` on another host. */
export function trailerSource(repository: string, host: string | undefined): string {
  return host === undefined ? repository : `${host}/${repository}`;
}

/**
 * The inverse of `trailerSource`: a first segment with a dot or a port (`gitlab.example.com`,
 * `git.local:8443`) is a host; a GitHub owner never has either, so old trailers read as before.
 */
export function splitTrailerSource(text: string): { repository: string; host: string | undefined } {
  const slash = text.indexOf("/");
  const first = slash < 0 ? "" : text.slice(0, slash);
  if (/[.:]/.test(first) && text.indexOf("/", slash + 1) > 0)
    return { host: first.toLowerCase(), repository: text.slice(slash + 1) };
  return { host: undefined, repository: text };
}

export function deploysTrailer(deploy: DeployTrailer): string {
  const source =
    deploy.repository === undefined
      ? ""
      : ` ${trailerSource(deploy.repository, deploy.host)}${deploy.sha === undefined ? "" : `@${deploy.sha}`}`;
  return `Deploys: ${deploy.environment} ${deploy.image}:${deploy.tag}${source}`;
}

export function rollbackTrailer(rollback: RollbackTrailer): string {
  return `Rollback: ${rollback.environment} ${rollback.image} ${rollback.fromTag} -> ${rollback.toTag}`;
}

export function failedTrailer(failed: FailedTrailer): string {
  return `Deploy-Failed: ${failed.environment} ${failed.image}:${failed.tag}`;
}

export function sourceTrailers(source: SourceTrailer): string[] {
  return [
    `Source-Repository: ${trailerSource(source.repository, source.host)}`,
    `Source-Commit: ${source.sha}`,
    ...(source.committedAt === undefined || !Number.isFinite(source.committedAt)
      ? []
      : [`Source-Committed-At: ${new Date(source.committedAt).toISOString()}`]),
  ];
}

const WORD = "(\\S+)";
const DEPLOYS = new RegExp(`^Deploys: ${WORD} ${WORD}(?: ([^\\s@]+)(?:@([0-9a-f]{7,64}))?)?$`, "i");
const ROLLBACK = new RegExp(`^Rollback: ${WORD} ${WORD} ${WORD} -> ${WORD}$`, "i");
const FAILED = new RegExp(`^Deploy-Failed: ${WORD} ${WORD}$`, "i");
const KEY_VALUE = /^(Deploys-Omitted|Source-Repository|Source-Commit|Source-Committed-At): (\S+)$/i;

/** The app's trailers in a commit message; lines that are not exactly a trailer are ignored. */
export function parseTrailers(message: string): Trailers {
  const deploys: DeployTrailer[] = [];
  const rollbacks: RollbackTrailer[] = [];
  const failures: FailedTrailer[] = [];
  const sources: SourceTrailer[] = [];
  let omitted = 0;
  let repository: { repository: string; host: string | undefined } | undefined;
  for (const raw of message.split(/\r?\n/)) {
    const line = raw.trim();
    const deploy = DEPLOYS.exec(line);
    if (deploy) {
      const [, environment = "", ref = "", repo, sha] = deploy;
      const split = splitImageTag(ref);
      const named =
        repo === undefined ? { repository: undefined, host: undefined } : splitTrailerSource(repo);
      if (split) deploys.push({ environment, ...split, ...named, sha: sha?.toLowerCase() });
      continue;
    }
    const rollback = ROLLBACK.exec(line);
    if (rollback) {
      const [, environment = "", image = "", fromTag = "", toTag = ""] = rollback;
      rollbacks.push({ environment, image, fromTag, toTag });
      continue;
    }
    const failed = FAILED.exec(line);
    if (failed) {
      const split = splitImageTag(failed[2] ?? "");
      if (split) failures.push({ environment: failed[1] ?? "", ...split });
      continue;
    }
    const pair = KEY_VALUE.exec(line);
    if (!pair) continue;
    const key = (pair[1] ?? "").toLowerCase();
    const value = pair[2] ?? "";
    if (key === "deploys-omitted") omitted += /^\d+$/.test(value) ? Number(value) : 0;
    else if (key === "source-repository") repository = splitTrailerSource(value);
    else if (key === "source-commit" && repository !== undefined)
      sources.push({ ...repository, sha: value.toLowerCase(), committedAt: undefined });
    else if (key === "source-committed-at") {
      const last = sources.at(-1);
      const at = Date.parse(value);
      if (last && last.committedAt === undefined && Number.isFinite(at))
        sources[sources.length - 1] = { ...last, committedAt: at };
    }
  }
  return { deploys: dedupe(deploys), omitted, rollbacks, failures, sources };
}

/** A deployment listed twice (two files of one environment) is one deployment. */
function dedupe(deploys: readonly DeployTrailer[]): DeployTrailer[] {
  const seen = new Set<string>();
  return deploys.filter((deploy) => {
    const key = `${deploy.environment}\n${deploy.image}\n${deploy.tag}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
