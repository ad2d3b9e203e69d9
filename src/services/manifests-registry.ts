import { CONFIG_PATHS, type ConfigFile, type ConfigResult } from "../config/index.js";
import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import { loadConfigFiles } from "./load-config.js";

/** A repository of the installation with `.github/gitops-image-bot.yml` (or `.yaml`): builds may deploy into it. */
export interface ManifestsRepo extends RepoId {
  readonly config: ConfigResult;
  /** Whether only those with access may read it (unknown counts as private). */
  readonly private?: boolean;
}

interface ConfigAnswer {
  [alias: string]: { [file: string]: { text: string | null } | null } | null;
}

const PER_QUERY = 50;

/**
 * Which repositories of an installation are manifests repositories, with their configuration: read
 * once (one listing and one GraphQL query per 50 repositories) and kept until a push changes a config
 * file, the installation's repositories change, or `ttlMs` passes.
 */
export class ManifestsRegistry {
  private readonly cache = new Map<number, { at: number; repos: Promise<ManifestsRepo[]> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  list(installationId: number, octokit: Octokit): Promise<ManifestsRepo[]> {
    const cached = this.cache.get(installationId);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.repos;
    const repos = this.read(octokit);
    this.cache.set(installationId, { at: this.now(), repos });
    repos.catch(() => this.cache.delete(installationId));
    return repos;
  }

  invalidate(installationId: number): void {
    this.cache.delete(installationId);
  }

  private async read(octokit: Octokit): Promise<ManifestsRepo[]> {
    const listed = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, {
      per_page: 100,
    });
    const candidates = listed
      .filter((repo) => !repo.archived)
      .map((repo) => ({ owner: repo.owner.login, name: repo.name, private: repo.private }));
    const found: ManifestsRepo[] = [];
    for (let start = 0; start < candidates.length; start += PER_QUERY) {
      const chunk = candidates.slice(start, start + PER_QUERY);
      const variables: Record<string, string> = {};
      const declarations: string[] = [];
      const objects = CONFIG_PATHS.map((path, i) => {
        variables[`e${i}`] = `HEAD:${path}`;
        declarations.push(`$e${i}: String!`);
        return `c${i}: object(expression: $e${i}) { ... on Blob { text } }`;
      }).join(" ");
      const fields = chunk.map((repo, index) => {
        variables[`o${index}`] = repo.owner;
        variables[`n${index}`] = repo.name;
        declarations.push(`$o${index}: String!`, `$n${index}: String!`);
        return `r${index}: repository(owner: $o${index}, name: $n${index}) { ${objects} }`;
      });
      const answer = await octokit.graphql<ConfigAnswer>(
        `query(${declarations.join(", ")}) { ${fields.join(" ")} }`,
        variables,
      );
      for (const [index, repo] of chunk.entries()) {
        const files: ConfigFile[] = CONFIG_PATHS.flatMap((path, i) => {
          const text = answer[`r${index}`]?.[`c${i}`]?.text;
          return typeof text === "string" ? [{ path, text }] : [];
        });
        const config = await loadConfigFiles(octokit, repo, files);
        if (config !== undefined) found.push({ ...repo, config });
      }
    }
    return found;
  }
}
