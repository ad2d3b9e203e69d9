import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import { readManifestsHistory } from "../adapters/github/manifests-history.js";
import { deployHistory } from "../core/dora/deploy-history.js";
import { doraFigures } from "../core/dora/dora-figures.js";
import { deliveryReportText, type DeliveryView } from "../core/render/delivery-text.js";
import type { CliIo } from "./cli-io.js";
import { EXIT } from "./exit-codes.js";

export const REPORT_USAGE = `Usage: gitops-image-bot report [--since 30d] [--repo owner/name] [--json]

Prints the delivery figures (DORA) of each manifests repository of the app's installations (or of one),
per environment: deployment frequency, lead time for changes (median and p90, source commit -> the
deployment commit on the branch), change failure rate and time to restore (median). They are read from
the deployed branch's history and the app's commit trailers (Deploys, Rollback, Deploy-Failed,
Source-Committed-At), so any replica, after any restart, prints the same.

  --since <n>d|<n>h   the window, ending now (default 30d, at most 365d)
  --repo owner/name   only this manifests repository
  --json              one JSON document instead of the tables

Environment: APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, and GHE_HOST/GHE_PROTOCOL for GitHub Enterprise
Server (as for the app).

Exit codes: 0 printed; 1 a repository could not be read (or --repo is not a manifests repository the app
is installed on); 2 bad arguments or credentials; 4 a history was longer than the read allows (its
oldest part is not counted).
`;

const HOUR_MS = 3_600_000;

interface ReportArgs {
  readonly sinceMs: number;
  readonly label: string;
  readonly repo: RepoId | undefined;
  readonly json: boolean;
}

function parseArgs(args: readonly string[]): ReportArgs | string {
  let sinceMs = 30 * 24 * HOUR_MS;
  let label = "30d";
  let repo: RepoId | undefined;
  let json = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const value = args[index + 1] ?? "";
    if (arg === "--json") json = true;
    else if (arg === "--since") {
      const match = /^([1-9][0-9]{0,4})([dh])$/.exec(value);
      const ms = match ? Number(match[1]) * (match[2] === "d" ? 24 : 1) * HOUR_MS : 0;
      if (!match || ms > 365 * 24 * HOUR_MS)
        return `--since takes days or hours like 30d or 12h (at most 365d), not "${value}"`;
      sinceMs = ms;
      label = value;
      index++;
    } else if (arg === "--repo") {
      const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(value);
      if (!match) return `--repo takes owner/name, not "${value}"`;
      repo = { owner: match[1] ?? "", name: match[2] ?? "" };
      index++;
    } else return `unexpected argument "${arg ?? ""}"`;
  }
  return { sinceMs, label, repo, json };
}

interface RepoReport {
  readonly repository: string;
  readonly branch: string;
  readonly since: string;
  readonly until: string;
  readonly view: DeliveryView;
}

/** `gitops-image-bot report`: the delivery figures of the app's manifests repositories, then exit. */
export async function reportCommand(
  args: readonly string[],
  io: CliIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
  now: () => number = Date.now,
): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.stdout(REPORT_USAGE);
    return EXIT.ok;
  }
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    io.stderr(`${parsed}\n\n${REPORT_USAGE}`);
    return EXIT.badInput;
  }
  if (!env["APP_ID"] || !(env["PRIVATE_KEY"] || env["PRIVATE_KEY_PATH"])) {
    io.stderr(
      "APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) must be set: the report authenticates as the GitHub App\n",
    );
    return EXIT.badInput;
  }
  // Loaded only now: `--help` and bad arguments need none of Probot.
  const [{ createProbot }, { ManifestsRegistry }, { appOctokit }] = await Promise.all([
    import("probot"),
    import("../services/manifests-registry.js"),
    import("../adapters/github/app-octokit.js"),
  ]);
  const probot = createProbot({
    env: { ...env, LOG_LEVEL: (env["LOG_LEVEL"] ?? "warn") as "warn" },
    overrides: { Octokit: appOctokit() },
  });
  const until = now();
  const since = until - parsed.sinceMs;
  const registry = new ManifestsRegistry(0, now);
  const reports: RepoReport[] = [];
  let code: number = EXIT.ok;
  const appClient = await probot.auth();
  let installations: number[];
  try {
    installations = parsed.repo
      ? [
          (
            await appClient.rest.apps.getRepoInstallation({
              owner: parsed.repo.owner,
              repo: parsed.repo.name,
            })
          ).data.id,
        ]
      : (await appClient.paginate(appClient.rest.apps.listInstallations, { per_page: 100 })).map((i) => i.id);
  } catch (error) {
    io.stderr(
      `could not find the app's installation${parsed.repo ? ` on ${parsed.repo.owner}/${parsed.repo.name}` : "s"}: ${String(error)}\n`,
    );
    return EXIT.failure;
  }
  for (const installation of installations) {
    const octokit = (await probot.auth(installation)) as Octokit;
    const repos = (await registry.list(installation, octokit)).filter(
      (repo) =>
        !parsed.repo ||
        `${repo.owner}/${repo.name}`.toLowerCase() ===
          `${parsed.repo.owner}/${parsed.repo.name}`.toLowerCase(),
    );
    for (const repo of repos) {
      const name = `${repo.owner}/${repo.name}`;
      if (!repo.config.ok) {
        io.stderr(`${name}: the configuration has problems (run \`gitops-image-bot validate\`): skipped\n`);
        code = EXIT.failure;
        continue;
      }
      try {
        const config = repo.config.config;
        const branch =
          config.branch ??
          (await octokit.rest.repos.get({ owner: repo.owner, repo: repo.name })).data.default_branch;
        const read = await readManifestsHistory(octokit, repo, branch, since);
        const history = deployHistory(read.commits, read.headOid ?? "");
        const view: DeliveryView = {
          figures: doraFigures(history, { since, until, environments: Object.keys(config.environments) }),
          truncated: read.truncated,
          omitted: history.omitted,
        };
        if (read.truncated && code === EXIT.ok) code = EXIT.incomplete;
        reports.push({
          repository: name,
          branch,
          since: new Date(since).toISOString(),
          until: new Date(until).toISOString(),
          view,
        });
      } catch (error) {
        io.stderr(`${name}: could not read the history: ${String(error)}\n`);
        code = EXIT.failure;
      }
    }
  }
  if (parsed.repo && reports.length === 0 && code === EXIT.ok) {
    io.stderr(
      `${parsed.repo.owner}/${parsed.repo.name} is not a manifests repository of the app (no .github/gitops-image-bot.yml)\n`,
    );
    return EXIT.failure;
  }
  if (parsed.json) io.stdout(`${JSON.stringify(reports.map(jsonOf), null, 2)}\n`);
  else
    for (const report of reports)
      io.stdout(`${deliveryReportText(report.repository, report.view, parsed.label)}\n`);
  return code;
}

/** The JSON form: durations in seconds, rates as fractions, null where a figure is unknown. */
function jsonOf(report: RepoReport): unknown {
  return {
    repository: report.repository,
    branch: report.branch,
    since: report.since,
    until: report.until,
    truncated: report.view.truncated,
    omitted: report.view.omitted,
    environments: report.view.figures.map((figures) => ({
      environment: figures.environment,
      deployments: figures.deployments,
      deploymentsPerDay: figures.perDay,
      leadTimeSeconds: {
        count: figures.leadTime.count,
        median: figures.leadTime.median ?? null,
        p90: figures.leadTime.p90 ?? null,
      },
      failedDeployments: figures.failed,
      changeFailureRate: figures.changeFailureRate ?? null,
      timeToRestoreSeconds: {
        count: figures.restore.count,
        median: figures.restore.median ?? null,
        open: figures.restore.open,
      },
    })),
  };
}
