import type { Config } from "../../config/config.js";
import { environmentsForPath } from "../../config/environments-for-path.js";
import { globMatcher } from "../../config/glob-matcher.js";
import { parseLabelSelector } from "./label-selector.js";
import type { ManifestsRepoId, Observation } from "./observation.js";
import { githubRepoOf, isRepoUrl } from "./repo-url.js";

/**
 * Names a file directly in an application's directory may have: the directory belongs to an
 * environment when one of them matches the environment's `paths` (`apps/web/overlays/dev/**`,
 * `dev/*.yaml`, `**\/kustomization.yaml` ...).
 */
const FILES_IN_DIRECTORY = [
  "kustomization.yaml",
  "kustomization.yml",
  "Kustomization",
  "values.yaml",
  "Chart.yaml",
  "manifest.yaml",
] as const;

export interface PlaceInput {
  readonly config: Config;
  readonly manifests: ManifestsRepoId;
  /** The web host of the GitHub the app talks to (`github.com`, or GitHub Enterprise's, or the twin's). */
  readonly githubHost: string;
  readonly observation: Observation;
}

/**
 * The environments of a manifests repository an application deploys, in the config's order; empty
 * when it deploys none of them. The application must have a source in this repository on this GitHub
 * (a repository of the same name on another host is not it). Then an environment whose `argocd`
 * (`applications` globs, `selector`) names the application decides; when none does, the sources' paths
 * do: an environment whose `paths` hold a file directly in the source's directory.
 */
export function applicationEnvironments(input: PlaceInput): string[] {
  const { config, manifests, githubHost, observation } = input;
  const ours = observation.sources.filter((source) => isRepoUrl(source.repoURL, manifests, githubHost));
  if (ours.length === 0) return [];
  const named = Object.entries(config.environments)
    .filter(([, environment]) => namesApplication(environment.argocd, observation))
    .map(([name]) => name);
  if (named.length > 0) return named;
  const found = new Set<string>();
  for (const source of ours) {
    // A source without a path (a `ref` for another source's Helm values) names no directory.
    if (source.path === undefined) continue;
    const directory = normaliseDirectory(source.path);
    if (directory === undefined) continue;
    for (const file of FILES_IN_DIRECTORY)
      for (const name of environmentsForPath(config, directory ? `${directory}/${file}` : file))
        found.add(name);
  }
  return Object.keys(config.environments).filter((name) => found.has(name));
}

/**
 * Whether an environment's `argocd` key names the application: every criterion it gives must hold
 * (`applications` globs over the name, `!` excludes; `selector` over the labels). A selector that does
 * not parse names nothing.
 */
export function namesApplication(
  argocd: Config["environments"][string]["argocd"],
  observation: Pick<Observation, "application" | "labels">,
): boolean {
  if (!argocd || (argocd.applications === undefined && argocd.selector === undefined)) return false;
  if (argocd.applications !== undefined && !globMatcher(argocd.applications)(observation.application))
    return false;
  if (argocd.selector !== undefined) {
    const selector = parseLabelSelector(argocd.selector);
    if (!selector || !selector(observation.labels)) return false;
  }
  return true;
}

/** The GitHub repositories on `githubHost` the application's sources name (one entry per repository). */
export function manifestsCandidates(observation: Observation, githubHost: string): ManifestsRepoId[] {
  const found = new Map<string, ManifestsRepoId>();
  for (const source of observation.sources) {
    const repo = githubRepoOf(source.repoURL, githubHost);
    if (repo) found.set(`${repo.owner}/${repo.name}`, repo);
  }
  return [...found.values()];
}

/** `./apps/web/` as `apps/web`, `.` and `` as the root (``); undefined for a path leaving the repository. */
function normaliseDirectory(path: string): string | undefined {
  const parts = path.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) return undefined;
  return parts.join("/");
}
