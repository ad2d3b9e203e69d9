// What `npm run demo` shows of the twins: the source commit's deployments and statuses, the gate's check
// run, the Argo CD twin's applications as they move. Read from the twins' state, as a person would see it
// on GitHub and in Argo CD's UI.
import type { Harness } from "../twin/harness.js";
import type { ArgoCdTwin } from "../twin/argocd/argocd-twin.js";
import type { Application } from "../twin/argocd/application.js";

export const GATE = "gitops-image-bot/gate";

export const short = (sha: string): string => sha.slice(0, 7);

/** Each environment's deployment of `sha` (latest status) and its `gitops-image-bot/<env>` commit status. */
export function commitView(harness: Harness, repo: string, sha: string, environments: string[]): string[] {
  const source = harness.repo("acme", repo);
  return environments.map((environment) => {
    const deployment = [...source.deployments.values()].find(
      (one) => one.sha === sha && one.environment === environment,
    );
    const status = deployment?.statuses.at(-1);
    const commit = source.statuses
      .filter((one) => one.sha === sha && one.context === `gitops-image-bot/${environment}`)
      .at(-1);
    const where = status?.environmentUrl ? ` -> ${status.environmentUrl}` : "";
    return `${environment.padEnd(5)} deployment ${status ? `${status.state} "${status.description}"${where}` : "none"}; status ${commit?.state ?? "none"}`;
  });
}

/** The latest deployment state of `sha` in `environment`. */
export function deploymentState(harness: Harness, repo: string, sha: string, environment: string) {
  const deployment = [...harness.repo("acme", repo).deployments.values()].find(
    (one) => one.sha === sha && one.environment === environment,
  );
  return deployment?.statuses.at(-1);
}

/** The gate's latest check run on a commit of acme/manifests. */
export function gateRun(harness: Harness, headSha: string) {
  return [...harness.repo("acme", "manifests").checkRuns.values()]
    .filter((run) => run.name === GATE && run.headSha === headSha)
    .at(-1);
}

/** One line of what Argo CD's UI shows for an application. */
export function argoLine(app: Application): string {
  const revision = app.status.sync.revision ? ` at ${short(app.status.sync.revision)}` : "";
  const operation = app.status.operationState ? `, last sync ${app.status.operationState.phase}` : "";
  const message = app.status.health.message ? `: ${app.status.health.message}` : "";
  return `${app.metadata.name} ${app.status.sync.status}${revision}, ${app.status.health.status}${message}${operation}`;
}

/**
 * Waits (at most `timeoutMs`) until `done` holds, calling `look` every 50 ms and printing each new line
 * it returns with the time since the wait began; throws, naming `what`, when it never does.
 */
export async function watch(
  what: string,
  look: () => string | Promise<string>,
  done: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const started = Date.now();
  let last = "";
  for (;;) {
    const finished = await done();
    const line = await look();
    if (line !== last) {
      console.log(`   +${((Date.now() - started) / 1000).toFixed(1)}s  ${line}`);
      last = line;
    }
    if (finished) return;
    if (Date.now() - started > timeoutMs)
      throw new Error(`the demo waited ${timeoutMs / 1000}s for ${what}: see the app's log (LOG_LEVEL=info)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Watches an Argo CD application until `done` holds for it. */
export function watchApplication(
  argocd: ArgoCdTwin,
  name: string,
  done: (app: Application) => boolean,
): Promise<void> {
  return watch(
    `${name} in the Argo CD twin`,
    () => {
      const app = argocd.application(name);
      return app ? argoLine(app) : `${name} missing`;
    },
    () => {
      const app = argocd.application(name);
      return app !== undefined && done(app);
    },
  );
}

/** Indents a block of text under a step, as a quote. */
export function quote(text: string): string {
  return text.trimEnd().replace(/^/gm, "     | ");
}
