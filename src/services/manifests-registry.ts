import { CONFIG_PATH, type ConfigResult } from "../config/index.js";
import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import { loadConfig } from "./load-config.js";

/** A repository of the installation that has `.github/gitops-image-bot.yml`: builds may deploy into it. */
export interface ManifestsRepo extends RepoId {
  readonly config: ConfigResult;
}

interface ConfigAnswer {
  [alias: string]: { object: { text: string | null } | null } | null;
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
      .map((repo) => ({ owner: repo.owner.login, name: repo.name }));
    const found: ManifestsRepo[] = [];
    for (let start = 0; start < candidates.length; start += PER_QUERY) {
      const chunk = candidates.slice(start, start + PER_QUERY);
      const variables: Record<string, string> = { expression: `HEAD:${CONFIG_PATH}` };
      const declarations = ["$expression: String!"];
      const fields = chunk.map((repo, index) => {
        variables[`o${index}`] = repo.owner;
        variables[`n${index}`] = repo.name;
        declarations.push(`$o${index}: String!`, `$n${index}: String!`);
        return `r${index}: repository(owner: $o${index}, name: $n${index}) { object(expression: $expression) { ... on Blob { text } } }`;
      });
      const answer = await octokit.graphql<ConfigAnswer>(
        `query(${declarations.join(", ")}) { ${fields.join(" ")} }`,
        variables,
      );
      for (const [index, repo] of chunk.entries()) {
        const text = answer[`r${index}`]?.object?.text;
        if (typeof text === "string") found.push({ ...repo, config: await loadConfig(octokit, repo, text) });
      }
    }
    return found;
  }
}
