import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { Metrics, REPLICA_LABEL } from "../../src/metrics/metrics.js";
import { KUBECTL, kustomizeBuild } from "../helpers/kustomize-oracle.js";

/**
 * deploy/kubernetes (issue #19, "Deploy it"): renders the base and each overlay with the real `kubectl
 * kustomize` and checks what a cluster would get. kubectl does not come from Debian's packages (this
 * machine has Google's); where it is missing the rendering checks say so in one line and are skipped.
 */
const ROOT = join(import.meta.dirname, "../../deploy/kubernetes");
const SECRET = "gitops-image-bot";
const REQUIRED_KEYS = ["APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET"];

if (!KUBECTL) {
  console.warn("NOTICE: kubectl is not installed; the deploy/kubernetes rendering checks are skipped.");
}
const renderTest = KUBECTL ? test : test.skip;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function render(dir: string): Json[] {
  return parseAllDocuments(kustomizeBuild(join(ROOT, dir))).map((doc) => doc.toJS() as Json);
}

function one(docs: Json[], kind: string, name: string): Json {
  const found = docs.filter((doc) => doc["kind"] === kind && doc["metadata"]?.["name"] === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0]!;
}

const bot = (docs: Json[]): Json => one(docs, "Deployment", "gitops-image-bot");
const botContainer = (docs: Json[]): Json =>
  bot(docs)["spec"]["template"]["spec"]["containers"].find((c: Json) => c["name"] === "gitops-image-bot");

/** A probe's or Service's port (a number or a container port's name) as a number. */
function portNumber(container: Json, port: number | string): number | undefined {
  if (typeof port === "number") return port;
  return (container["ports"] as Json[]).find((p) => p["name"] === port)?.["containerPort"];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === "cli" ? [] : sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/**
 * The environment variables the server reads (src without the command-line tools, which have their own,
 * e.g. GITOPS_IMAGE_BOT_BUILD_SECRET), plus those Probot reads itself.
 */
function appEnvironment(): Set<string> {
  const pattern =
    /env\[\s*"([A-Z][A-Z0-9_]*)"\s*\]|env\.([A-Z][A-Z0-9_]+)|variable: "([A-Z0-9_]+)"|_VARIABLE = "([A-Z0-9_]+)"|endpointSecrets\("([A-Z0-9_]+)"|value\("([A-Z0-9_]+)"\)/g;
  const names = new Set([
    "APP_ID",
    "PRIVATE_KEY",
    "PRIVATE_KEY_PATH",
    "WEBHOOK_SECRET",
    "GHE_HOST",
    "HOST",
    "PORT",
  ]);
  for (const file of sourceFiles(join(import.meta.dirname, "../../src"))) {
    for (const match of readFileSync(file, "utf8").matchAll(pattern)) {
      names.add(match.slice(1).find((group) => group !== undefined)!);
    }
  }
  return names;
}

/**
 * The app's metric names (from a real registry's `# TYPE` lines) and each one's label names (from the
 * source, plus the replica's label every metric of the app's own registry carries).
 */
async function appMetrics(): Promise<Map<string, Set<string> | undefined>> {
  const text = await new Metrics({ replica: "gitops-image-bot-0" }).text();
  const source = readFileSync(join(import.meta.dirname, "../../src/metrics/metrics.ts"), "utf8");
  const labels = new Map<string, Set<string>>();
  for (const block of source.split(/name: `\$\{PREFIX\}/).slice(1)) {
    // `${PREFIX}${name}` (the DORA gauges' helper) names no metric here: their labels stay unknown.
    const literal = /^(\w+)`/.exec(block);
    if (!literal) continue;
    const name = `gitops_image_bot_${literal[1]}`;
    const head = block.split(/\n\s*\}\);/, 1)[0]!;
    const list = /labelNames: \[([^\]]*)\]/.exec(head)?.[1] ?? "";
    labels.set(name, new Set([REPLICA_LABEL, ...[...list.matchAll(/"(\w+)"/g)].map((m) => m[1]!)]));
  }
  const metrics = new Map<string, Set<string> | undefined>();
  for (const [, name, type] of text.matchAll(/^# TYPE (gitops_image_bot_\w+) (\w+)$/gm)) {
    const suffixes = type === "histogram" ? ["", "_bucket", "_sum", "_count"] : [""];
    for (const suffix of suffixes) {
      const known = labels.get(name!);
      metrics.set(`${name}${suffix}`, known && suffix === "_bucket" ? new Set([...known, "le"]) : known);
    }
  }
  return metrics;
}

const PROMQL_WORDS = new Set(["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring"]);

/** What is wrong with a PromQL expression's metric names and label matchers, given the app's metrics. */
function promqlProblems(expr: string, metrics: Map<string, Set<string> | undefined>): string[] {
  const problems: string[] = [];
  for (const [, name, matchers] of expr.matchAll(/([a-zA-Z_:][\w:]*)\s*\{([^}]*)\}/g)) {
    const known = metrics.get(name!);
    for (const [, label] of matchers!.matchAll(/(\w+)\s*(?:=~|!~|!=|=)\s*"/g)) {
      if (!known?.has(label!)) problems.push(`${name} has no label ${label}`);
    }
  }
  const bare = expr
    .replace(/"[^"]*"/g, "")
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  for (const [, word, call] of bare.matchAll(/\b([a-zA-Z_:][\w:]*)\b(\s*\()?/g)) {
    if (call !== undefined || PROMQL_WORDS.has(word!) || /^\d/.test(word!)) continue;
    if (!metrics.has(word!)) problems.push(`${word} is not a metric of the app`);
  }
  return problems;
}

describe("deploy/kubernetes", () => {
  const rendered = new Map<string, Json[]>();
  const docs = (dir: string): Json[] => {
    if (!rendered.has(dir)) rendered.set(dir, render(dir));
    return rendered.get(dir)!;
  };
  const overlays = ["overlays/single", "overlays/fleet"];

  renderTest.each([["base"], ...overlays.map((dir) => [dir])])("%s renders with kubectl kustomize", (dir) => {
    const kinds = docs(dir).map((doc) => doc["kind"]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        "Deployment",
        "Service",
        "PodDisruptionBudget",
        "ServiceMonitor",
        "PrometheusRule",
      ]),
    );
  });

  renderTest("the one-replica overlay runs one pod and no Redis", () => {
    const single = docs("overlays/single");
    expect(bot(single)["spec"]["replicas"]).toBe(1);
    expect(JSON.stringify(single)).not.toMatch(/redis/i);
  });

  renderTest(
    "the fleet overlay runs two or more pods, a Redis and its Service, and sets REDIS_URL to it",
    () => {
      const fleet = docs("overlays/fleet");
      expect(bot(fleet)["spec"]["replicas"]).toBeGreaterThanOrEqual(2);
      const url = (botContainer(fleet)["env"] as Json[]).find((e) => e["name"] === "REDIS_URL")?.["value"];
      const { hostname, port } = new URL(String(url));
      const service = one(fleet, "Service", hostname);
      expect(service["spec"]["ports"].map((p: Json) => p["port"])).toContain(Number(port));
      const redis = fleet.find(
        (doc) =>
          doc["kind"] === "Deployment" &&
          Object.entries(service["spec"]["selector"]).every(
            ([key, value]) => doc["spec"]["template"]["metadata"]["labels"][key] === value,
          ),
      );
      expect(redis?.["spec"]["template"]["spec"]["containers"][0]["image"]).toMatch(/^redis:7/);
    },
  );

  renderTest("the fleet's Redis admits only the app's pods, on Redis's port", () => {
    const fleet = docs("overlays/fleet");
    const policy = one(fleet, "NetworkPolicy", "gitops-image-bot-redis");
    const redis = one(fleet, "Deployment", "gitops-image-bot-redis");
    expect(policy["spec"]["podSelector"]["matchLabels"]).toEqual(redis["spec"]["selector"]["matchLabels"]);
    const [rule, ...others] = policy["spec"]["ingress"] as Json[];
    expect(others).toEqual([]);
    expect(rule!["from"]).toEqual([
      { podSelector: { matchLabels: bot(fleet)["spec"]["selector"]["matchLabels"] } },
    ]);
    expect(rule!["ports"]).toEqual([{ port: 6379, protocol: "TCP" }]);
  });

  test("the fleet overlay's REDIS_URL is one the app reads (the Redis-backed state)", () => {
    expect(appEnvironment().has("REDIS_URL")).toBe(true);
  });

  renderTest.each(overlays)(
    "%s: readiness on GET /healthz:3000, liveness on /ping:3000, Service 80 -> 3000",
    (dir) => {
      const container = botContainer(docs(dir));
      expect(container["ports"]).toContainEqual(expect.objectContaining({ containerPort: 3000 }));
      const ready = container["readinessProbe"]["httpGet"];
      expect([ready["path"], portNumber(container, ready["port"])]).toEqual(["/healthz", 3000]);
      // /healthz waits up to 4 s for GitHub on its first call (src/http/app-health.ts).
      expect(container["readinessProbe"]["timeoutSeconds"]).toBeGreaterThanOrEqual(5);
      const live = container["livenessProbe"]["httpGet"];
      expect([live["path"], portNumber(container, live["port"])]).toEqual(["/ping", 3000]);
      const service = one(docs(dir), "Service", "gitops-image-bot");
      expect(service["spec"]["ports"]).toHaveLength(1);
      expect(service["spec"]["ports"][0]["port"]).toBe(80);
      expect(portNumber(container, service["spec"]["ports"][0]["targetPort"])).toBe(3000);
    },
  );

  renderTest.each(overlays)(
    "%s: the Service, PDB and ServiceMonitor select the bot's pods and only them",
    (dir) => {
      const all = docs(dir);
      const selects = (selector: Json, labels: Json) =>
        Object.entries(selector).every(([key, value]) => labels?.[key] === value);
      const podLabels = all
        .filter((doc) => doc["kind"] === "Deployment")
        .map((doc) => [doc["metadata"]["name"], doc["spec"]["template"]["metadata"]["labels"]] as const);
      const service = one(all, "Service", "gitops-image-bot");
      for (const selector of [
        service["spec"]["selector"],
        one(all, "PodDisruptionBudget", "gitops-image-bot")["spec"]["selector"]["matchLabels"],
      ]) {
        expect(Object.keys(selector ?? {}).length).toBeGreaterThan(0);
        expect(podLabels.filter(([, labels]) => selects(selector, labels)).map(([name]) => name)).toEqual([
          "gitops-image-bot",
        ]);
      }
      const monitor = one(all, "ServiceMonitor", "gitops-image-bot")["spec"];
      expect(selects(monitor["selector"]["matchLabels"], service["metadata"]["labels"])).toBe(true);
      expect(monitor["endpoints"]).toEqual([
        expect.objectContaining({
          port: service["spec"]["ports"][0]["name"],
          path: "/metrics",
          authorization: expect.objectContaining({
            type: "Bearer",
            credentials: { name: SECRET, key: "METRICS_TOKEN", optional: true },
          }),
        }),
      ]);
    },
  );

  renderTest("one replica may be evicted for a node drain; a fleet keeps at least one pod", () => {
    const allowed = (dir: string) => {
      const spec = one(docs(dir), "PodDisruptionBudget", "gitops-image-bot")["spec"];
      const replicas = bot(docs(dir))["spec"]["replicas"] as number;
      return spec["maxUnavailable"] !== undefined
        ? Math.min(spec["maxUnavailable"], replicas)
        : replicas - spec["minAvailable"];
    };
    expect(allowed("overlays/single")).toBe(1);
    expect(allowed("overlays/fleet")).toBeGreaterThanOrEqual(1);
    expect(allowed("overlays/fleet")).toBeLessThan(bot(docs("overlays/fleet"))["spec"]["replicas"]);
  });

  renderTest.each(overlays)(
    "%s: every pod runs as non-root, without privileges or a writable root",
    (dir) => {
      for (const deployment of docs(dir).filter((doc) => doc["kind"] === "Deployment")) {
        const pod = deployment["spec"]["template"]["spec"];
        expect(pod["securityContext"]).toEqual(
          expect.objectContaining({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }),
        );
        for (const container of pod["containers"] as Json[]) {
          expect(container["securityContext"]).toEqual({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          });
          expect(container["resources"]["limits"]["memory"]).toBeDefined();
          expect(container["resources"]["requests"]["memory"]).toBeDefined();
        }
      }
      // The image's `node` user.
      expect(bot(docs(dir))["spec"]["template"]["spec"]["securityContext"]["runAsUser"]).toBe(1000);
    },
  );

  renderTest("the memory limit leaves room above the image's V8 old-space cap", () => {
    const dockerfile = readFileSync(join(import.meta.dirname, "../../Dockerfile"), "utf8");
    const oldSpaceMb = Number(/--max-old-space-size=(\d+)/.exec(dockerfile)![1]);
    const limit = String(botContainer(docs("base"))["resources"]["limits"]["memory"]);
    const mib = /^(\d+)Mi$/.exec(limit);
    // Peak resident memory was 207-232 MB while refusing forged 25 MB bodies (docs/performance.md).
    expect(Number(mib?.[1])).toBeGreaterThanOrEqual(Math.max(oldSpaceMb + 128, 240));
  });

  renderTest.each(overlays)(
    "%s: every secret comes from the one Secret; every variable is one the app reads",
    (dir) => {
      const env = botContainer(docs(dir))["env"] as Json[];
      const read = appEnvironment();
      const unknown = env.map((e) => e["name"] as string).filter((n) => !read.has(n));
      expect(unknown).toEqual([]);
      const refs = env.filter((e) => e["valueFrom"]?.["secretKeyRef"]);
      for (const entry of refs) {
        const ref = entry["valueFrom"]["secretKeyRef"];
        expect({ name: entry["name"], secret: ref["name"], key: ref["key"] }).toEqual({
          name: entry["name"],
          secret: SECRET,
          key: entry["name"],
        });
        expect({ name: entry["name"], optional: ref["optional"] === true }).toEqual({
          name: entry["name"],
          optional: !REQUIRED_KEYS.includes(entry["name"]),
        });
      }
      // Every secret the server reads can be given through the Secret.
      const secrets = [...read].filter((n) => /_(SECRET|TOKEN)$/.test(n) || REQUIRED_KEYS.includes(n));
      expect(secrets.filter((n) => !refs.some((e) => e["name"] === n))).toEqual([]);
    },
  );

  renderTest(
    "the alerts the issue names are there: batches failing, secondary limits, passes, latency",
    () => {
      const rule = one(docs("base"), "PrometheusRule", "gitops-image-bot");
      const exprs = (rule["spec"]["groups"] as Json[])
        .flatMap((group) => group["rules"] as Json[])
        .map((r) => String(r["expr"]).replace(/\s+/g, " "));
      const some = (pattern: RegExp) => expect(exprs.filter((expr) => pattern.test(expr))).not.toEqual([]);
      some(/increase\(gitops_image_bot_batches_failed_total\[/);
      some(/gitops_image_bot_github_requests_total\{limit="secondary"\}/);
      some(/gitops_image_bot_reconcile_passes_total\{result=~"complete\|incomplete"\}.* < 1/);
      some(/histogram_quantile\(0\.95, .*gitops_image_bot_build_to_commit_seconds_bucket/);
      some(/max\(gitops_image_bot_queue_oldest_job_age_seconds\)/);
    },
  );

  renderTest("every alert uses only the app's metrics and their labels", async () => {
    const metrics = await appMetrics();
    const rule = one(docs("base"), "PrometheusRule", "gitops-image-bot");
    const rules = (rule["spec"]["groups"] as Json[]).flatMap((group) => group["rules"] as Json[]);
    expect(rules.length).toBeGreaterThanOrEqual(4);
    for (const { alert, expr } of rules) {
      expect({ alert, problems: promqlProblems(String(expr), metrics) }).toEqual({ alert, problems: [] });
      expect(String(expr)).toMatch(/gitops_image_bot_/);
    }
  });
});

test("promqlProblems finds an unknown metric and an unknown label", async () => {
  const metrics = await appMetrics();
  expect(
    promqlProblems(
      'sum(rate(gitops_image_bot_github_requests_total{status="403"}[5m])) by (method)',
      metrics,
    ),
  ).toEqual([]);
  expect(promqlProblems('gitops_image_bot_reconcile_pass_duration_seconds_bucket{le="1"}', metrics)).toEqual(
    [],
  );
  expect(promqlProblems("rate(gitops_image_bot_batches_lost_total[5m]) > 0", metrics)).toEqual([
    "gitops_image_bot_batches_lost_total is not a metric of the app",
  ]);
  expect(
    promqlProblems(
      'sum by (replica) (increase(gitops_image_bot_github_requests_total{limit="secondary",replica="a"}[5m]))',
      metrics,
    ),
  ).toEqual([]);
  expect(
    promqlProblems(
      "histogram_quantile(0.95, sum by (le) (rate(gitops_image_bot_build_to_commit_seconds_bucket[30m]))) > 600",
      metrics,
    ),
  ).toEqual([]);
  expect(promqlProblems('gitops_image_bot_commits_total{result="failed"}', metrics)).toEqual([
    "gitops_image_bot_commits_total has no label result",
  ]);
});

test("the Dockerfile builds on a supported Node LTS that package.json's engines allow", () => {
  const dockerfile = readFileSync(join(import.meta.dirname, "../../Dockerfile"), "utf8");
  const major = Number(/^ARG NODE_IMAGE=node:(\d+)-/m.exec(dockerfile)?.[1]);
  // Even majors are LTS; Node 20 left support in April 2026.
  expect(major % 2).toBe(0);
  expect(major).toBeGreaterThanOrEqual(22);
  const engines = (JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8")) as Json)[
    "engines"
  ]["node"] as string;
  expect(engines).toMatch(new RegExp(`>=\\s*(\\d+)`));
  expect(major).toBeGreaterThanOrEqual(Number(/>=\s*(\d+)/.exec(engines)![1]));
});
