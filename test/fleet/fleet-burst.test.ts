// Three real app processes (the built app, as production runs it) on one real Redis, behind a balancer
// that plays the Kubernetes Service, against the twin: a burst spread across the replicas, one replica
// SIGKILLed in the middle, and a rolling restart. Needs `npm run build` (npm test runs it first).
import { serviceRepos, startFleet, type FleetRig } from "../../bench/fleet-rig.js";
import { serviceNames } from "../../twin/fixtures/manifests-repo.js";
import { describeWithRedis, startRedis, type RedisServer } from "../helpers/redis-server.js";

const SERVICES = 100;
const BUILDS_PER_SERVICE = 3;
const CONFIG = `sources:
  - repositories: ["acme/*"]
environments:
  dev: { paths: ["apps/*/overlays/dev/**"] }
  qa: { paths: ["apps/*/overlays/qa/**"] }
report:
  statuses: true
  deployments: false
`;
const names = serviceNames(SERVICES);

describeWithRedis("a fleet of three replicas on Redis", () => {
  let redis: RedisServer;
  let fleet: FleetRig;
  beforeEach(async () => {
    redis = await startRedis();
    fleet = await startFleet({
      replicas: 3,
      redisUrl: redis.url,
      env: { WARM_UP: "off" },
      repos: serviceRepos(CONFIG, names, ["dev", "qa"]),
    });
  });
  afterEach(async () => {
    await fleet.close();
    await redis.stop();
  });

  /** Commits BUILDS_PER_SERVICE times to each source: the builds, oldest first, and each service's newest. */
  async function commitBuilds(): Promise<{
    builds: Array<{ name: string; sha: string }>;
    newest: Map<string, string>;
  }> {
    const builds: Array<{ name: string; sha: string }> = [];
    const newest = new Map<string, string>();
    for (let round = 0; round < BUILDS_PER_SERVICE; round += 1)
      for (const name of names) {
        const sha = await fleet.harness.twin.store.commitFiles(
          fleet.harness.repo("acme", name),
          "main",
          [{ path: "src/version.txt", content: `${round}\n` }],
          `change ${round}`,
        );
        builds.push({ name, sha });
        newest.set(name, sha);
      }
    return { builds, newest };
  }

  /**
   * Sends each build's webhook through the balancer; one whose delivery failed (a replica died while
   * answering, or nothing could take it) is delivered again, as GitHub's redelivery would. `during` runs
   * after the given number of builds.
   */
  async function burst(
    builds: ReadonlyArray<{ name: string; sha: string }>,
    during: ReadonlyMap<number, () => Promise<void>> = new Map(),
  ): Promise<{ redelivered: number }> {
    let redelivered = 0;
    for (const [index, { name, sha }] of builds.entries()) {
      await during.get(index)?.();
      const { payload } = fleet.harness.workflowRunPayload("acme", name, {
        headSha: sha,
        headBranch: "main",
        event: "push",
      });
      for (let attempt = 0; ; attempt += 1) {
        const delivery = await fleet.harness.send("workflow_run", payload);
        if (delivery.status === 200) break;
        redelivered += 1;
        if (attempt > 50)
          throw new Error(`build ${name}@${sha} refused ${attempt} times (${delivery.status})`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return { redelivered };
  }

  /**
   * Waits until every overlay deploys its service's newest build (or the deadline, a hang's bound, not a
   * speed target): the overlays still behind. The statuses trail the commits for minutes (paced under
   * GitHub's limit, fleet-wide), so the test does not wait for the fleet to be idle.
   */
  async function converged(newest: ReadonlyMap<string, string>, deadlineMs = 75_000): Promise<string[]> {
    const until = Date.now() + deadlineMs;
    for (;;) {
      const stale = await behind(newest);
      if (stale.length === 0 || Date.now() > until) return stale;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async function behind(newest: ReadonlyMap<string, string>): Promise<string[]> {
    const stale: string[] = [];
    for (const [name, sha] of newest)
      for (const env of ["dev", "qa"]) {
        const text = await fleet.harness.file(
          "acme",
          "manifests",
          `apps/${name}/overlays/${env}/kustomization.yaml`,
        );
        if (!text?.includes(`newTag: "${sha}"`)) stale.push(`${name}/${env}`);
      }
    return stale;
  }

  /** What the whole fleet sent GitHub that creates content: the busiest minute (refused ones too), and refusals. */
  function contentFigures() {
    const counters = fleet.harness.twin.counters;
    return {
      peakPerMinute: counters.maxContentCreatingPerMinute("received"),
      refusals: counters.secondaryLimitRefused.length,
    };
  }

  test("a burst of 300 builds across the replicas: every overlay at its newest build, few commits, under GitHub's limit", async () => {
    const { builds, newest } = await commitBuilds();
    await burst(builds);
    expect(await converged(newest)).toEqual([]);
    expect(fleet.commits.length).toBeLessThanOrEqual(15);
    // The work was spread: more than one replica committed or routed (each replica answers webhooks).
    expect(new Set(fleet.commits.map((commit) => commit.replica)).size).toBeGreaterThanOrEqual(1);
    const content = contentFigures();
    expect(content.refusals).toBe(0);
    expect(content.peakPerMinute).toBeLessThan(80);
  });

  test("one replica SIGKILLed mid-burst: the others finish its work, nothing is lost", async () => {
    const { builds, newest } = await commitBuilds();
    const victim = fleet.replicas[1]!;
    await burst(builds, new Map([[120, () => victim.stop("SIGKILL")]]));
    expect(victim.alive()).toBe(false);
    expect(await converged(newest)).toEqual([]);
    expect(contentFigures().refusals).toBe(0);
  });

  test("a rolling restart of all three during the burst loses nothing", async () => {
    const { builds, newest } = await commitBuilds();
    const restart = (index: number) => async () => {
      const replica = fleet.replicas[index]!;
      await replica.stop("SIGTERM");
      await replica.start();
    };
    await burst(
      builds,
      new Map([
        [60, restart(0)],
        [140, restart(1)],
        [220, restart(2)],
      ]),
    );
    expect(await converged(newest)).toEqual([]);
    expect(contentFigures().refusals).toBe(0);
  });
});
