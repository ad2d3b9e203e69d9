// Three real app processes on one Redis: builds of the same services spread across the replicas give
// each (environment, image) one pull request, carrying the newest build: no duplicate.
import { serviceRepos, startFleet, type FleetRig } from "../../bench/fleet-rig.js";
import { serviceNames } from "../../twin/fixtures/manifests-repo.js";
import { describeWithRedis, startRedis, type RedisServer } from "../helpers/redis-server.js";

const SERVICES = 4;
const BUILDS_PER_SERVICE = 6;
const CONFIG = `sources:
  - repositories: ["acme/*"]
environments:
  prod:
    paths: ["apps/*/overlays/prod/**"]
    mode: pull-request
report:
  statuses: false
  deployments: false
`;
const names = serviceNames(SERVICES);

describeWithRedis("pull requests from a fleet of three replicas", () => {
  let redis: RedisServer;
  let fleet: FleetRig;
  beforeAll(async () => {
    redis = await startRedis();
    fleet = await startFleet({
      replicas: 3,
      redisUrl: redis.url,
      env: { WARM_UP: "off" },
      repos: serviceRepos(CONFIG, names, ["prod"]),
    });
  });
  afterAll(async () => {
    await fleet?.close();
    await redis?.stop();
  });

  test("one open pull request per environment and image, at its newest build", async () => {
    const { harness } = fleet;
    const newest = new Map<string, string>();
    for (let round = 0; round < BUILDS_PER_SERVICE; round += 1)
      for (const name of names) {
        const sha = await harness.twin.store.commitFiles(
          harness.repo("acme", name),
          "main",
          [{ path: "src/version.txt", content: `${round}\n` }],
          `change ${round}`,
        );
        newest.set(name, sha);
        const { payload } = harness.workflowRunPayload("acme", name, {
          headSha: sha,
          headBranch: "main",
          event: "push",
        });
        expect((await harness.send("workflow_run", payload)).status).toBe(200);
      }
    await fleet.idle();
    const manifests = harness.repo("acme", "manifests");
    const pulls = [...manifests.issues.values()].filter((issue) => issue.pull !== undefined);
    const open = pulls.filter((issue) => issue.state === "open");
    const heads = open.map((issue) => issue.pull!.headRef);
    // One per image, never two for the same branch, none opened and left behind.
    expect(new Set(heads).size).toBe(heads.length);
    expect(open).toHaveLength(SERVICES);
    expect(pulls).toHaveLength(SERVICES);
    for (const name of names) {
      const branch = `gitops-image-bot/prod/ghcr.io-acme-${name}`;
      expect(heads).toContain(branch);
      const text = await harness.file(
        "acme",
        "manifests",
        `apps/${name}/overlays/prod/kustomization.yaml`,
        branch,
      );
      expect(text).toContain(`newTag: "${newest.get(name)!}"`);
    }
  });
});
