import { Probot, ProbotOctokit, type ApplicationFunction } from "probot";
import { registerMetrics, type MetricsRouteOptions } from "../../src/http/metrics-route.js";
import { Metrics, NO_RESPONSE_STATUS } from "../../src/metrics/metrics.js";
import { startHarness, type Harness } from "../../twin/harness.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

const PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

/** The value of one series (`name{labels}` exactly as exposed), or undefined when it is not exposed. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** A harness whose app wires the route as the real app will, and keeps its Probot for `app.auth`. */
async function startApp(
  metrics: Metrics,
  routeOptions?: MetricsRouteOptions,
): Promise<{ harness: Harness; origin: string; probot: () => Probot }> {
  let probot: Probot | undefined;
  const appFn: ApplicationFunction = (app, options) => {
    probot = app;
    registerMetrics(options, metrics, routeOptions);
  };
  const harness = await startHarness({
    appFn,
    repos: [{ name: "manifests", files: [{ path: "README.md", content: "# manifests\n" }] }],
  });
  return { harness, origin: new URL(harness.webhookUrl).origin, probot: () => probot! };
}

async function closeExpectingNoViolations(harness: Harness): Promise<void> {
  const violations = [...harness.twin.violations];
  await harness.close();
  expect(violations).toEqual([]);
}

describe("/metrics on the app's real Probot server", () => {
  const metrics = new Metrics();
  let harness: Harness;
  let origin: string;
  let probot: () => Probot;

  beforeAll(async () => {
    ({ harness, origin, probot } = await startApp(metrics));
  });

  afterAll(() => closeExpectingNoViolations(harness));

  test("GET answers 200 in the Prometheus text format with what the methods counted", async () => {
    metrics.webhookReceived("workflow_run");
    metrics.webhookReceived("workflow_run");
    metrics.webhookReceived("push");
    metrics.updateWritten("dev", "commit");
    metrics.updateWritten("prod", "pull-request");
    metrics.updateSkipped("older-than-deployed");
    metrics.updateSkipped("frozen");
    metrics.commit();
    metrics.pullRequest("opened");
    metrics.command("rollback", "done");
    metrics.reconcilePass("complete", 42, 3, 2);
    metrics.reconcilePass("failed", 0.05, 0, 0);

    const response = await fetch(`${origin}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(PROMETHEUS_TEXT);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();

    const p = "gitops_image_bot_";
    expect(text).toContain(`# HELP ${p}webhook_events_received_total `);
    expect(text).toContain(`# TYPE ${p}webhook_events_received_total counter`);
    expect(sample(text, `${p}webhook_events_received_total{event="workflow_run"}`)).toBe(2);
    expect(sample(text, `${p}webhook_events_received_total{event="push"}`)).toBe(1);
    expect(sample(text, `${p}updates_written_total{environment="dev",landing="commit"}`)).toBe(1);
    expect(sample(text, `${p}updates_written_total{environment="prod",landing="pull-request"}`)).toBe(1);
    expect(sample(text, `${p}updates_skipped_total{reason="older-than-deployed"}`)).toBe(1);
    expect(sample(text, `${p}updates_skipped_total{reason="frozen"}`)).toBe(1);
    expect(sample(text, `${p}commits_total`)).toBe(1);
    expect(sample(text, `${p}pull_requests_total{action="opened"}`)).toBe(1);
    // Fixed label sets start at 0, so rate() works before the first event.
    expect(sample(text, `${p}pull_requests_total{action="merged"}`)).toBe(0);
    expect(sample(text, `${p}reconcile_passes_total{result="incomplete"}`)).toBe(0);
    expect(sample(text, `${p}reconcile_passes_total{result="complete"}`)).toBe(1);
    expect(sample(text, `${p}reconcile_passes_total{result="failed"}`)).toBe(1);
    expect(sample(text, `${p}reconcile_drift_found_total`)).toBe(3);
    expect(sample(text, `${p}reconcile_drift_repaired_total`)).toBe(2);
    expect(text).toContain(`# TYPE ${p}reconcile_pass_duration_seconds histogram`);
    expect(sample(text, `${p}reconcile_pass_duration_seconds_bucket{le="0.1"}`)).toBe(1);
    expect(sample(text, `${p}reconcile_pass_duration_seconds_bucket{le="30"}`)).toBe(1);
    expect(sample(text, `${p}reconcile_pass_duration_seconds_bucket{le="60"}`)).toBe(2);
    expect(sample(text, `${p}reconcile_pass_duration_seconds_bucket{le="600"}`)).toBe(2);
    expect(sample(text, `${p}reconcile_pass_duration_seconds_sum`)).toBeCloseTo(42.05);
    expect(sample(text, `${p}reconcile_pass_duration_seconds_count`)).toBe(2);
    expect(sample(text, `${p}commands_total{command="rollback",result="done"}`)).toBe(1);
    expect(text).toContain(`# TYPE ${p}queue_depth gauge`);
    expect(text).toContain(`# TYPE ${p}github_requests_total counter`);
    expect(text).toContain(`# TYPE ${p}github_rate_limit_remaining gauge`);
    // Node's process metrics, from collectDefaultMetrics.
    expect(text).toContain("# TYPE process_cpu_user_seconds_total counter");
    expect(text).toContain("# TYPE nodejs_heap_size_used_bytes gauge");
    // The route costs no GitHub request.
    expect(harness.twin.counters.total).toBe(0);
  });

  test("HEAD answers 200 without a body, and a query string is ignored", async () => {
    const head = await fetch(`${origin}/metrics`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe(PROMETHEUS_TEXT);
    expect(Number(head.headers.get("content-length"))).toBeGreaterThan(0);
    expect(await head.text()).toBe("");
    expect((await fetch(`${origin}/metrics?name[]=up`)).status).toBe(200);
  });

  test("another method is 405 with Allow, and other paths are left to the next handler", async () => {
    const post = await fetch(`${origin}/metrics`, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect((await fetch(`${origin}/metrics/extra`)).status).toBe(404);
    expect((await fetch(`${origin}/nope`)).status).toBe(404);
  });

  test("without a token, an Authorization header is neither needed nor checked", async () => {
    const response = await fetch(`${origin}/metrics`, { headers: { authorization: "Bearer anything" } });
    expect(response.status).toBe(200);
  });

  test("the queue depth is read at scrape time", async () => {
    let depth = 7;
    metrics.setQueueDepth(() => depth);
    expect(sample(await (await fetch(`${origin}/metrics`)).text(), "gitops_image_bot_queue_depth")).toBe(7);
    depth = 3;
    expect(sample(await (await fetch(`${origin}/metrics`)).text(), "gitops_image_bot_queue_depth")).toBe(3);
    // A read that throws keeps the last value instead of failing the whole scrape.
    metrics.setQueueDepth(() => {
      throw new Error("queue gone");
    });
    const response = await fetch(`${origin}/metrics`);
    expect(response.status).toBe(200);
    expect(sample(await response.text(), "gitops_image_bot_queue_depth")).toBe(3);
  });

  test("an observed installation client counts GitHub requests by method and status, with rate limits", async () => {
    // The client the app's handlers get: Probot's installation token from the twin.
    const octokit = (await probot().auth(harness.installation.id)) as Octokit;
    metrics.observeOctokit(octokit);
    metrics.observeOctokit(octokit); // a second call adds no second pair of hooks
    const before = harness.twin.counters.total;

    const { data } = await octokit.rest.repos.get({ owner: "acme", repo: "manifests" });
    expect(data.full_name).toBe("acme/manifests");
    await octokit.rest.repos.getContent({ owner: "acme", repo: "manifests", path: "README.md" });
    // An error is counted with its status and reaches the caller unchanged.
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "no-such-repo" })).rejects.toMatchObject({
      name: "HttpError",
      status: 404,
    });
    await expect(
      octokit.rest.repos.getContent({ owner: "acme", repo: "manifests", path: "missing.yaml" }),
    ).rejects.toMatchObject({ status: 404 });

    const text = await metrics.text();
    // Every request that reached the twin is counted once, including the installation token the client
    // fetched (POST /app/installations/{id}/access_tokens) before its first request.
    const counted = text
      .split("\n")
      .filter((line) => line.startsWith("gitops_image_bot_github_requests_total{"))
      .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
    expect(counted).toBe(harness.twin.counters.total - before);
    expect(
      sample(text, 'gitops_image_bot_github_requests_total{method="POST",status="201",limit="none"}'),
    ).toBe(1);
    expect(
      sample(text, 'gitops_image_bot_github_requests_total{method="GET",status="200",limit="none"}'),
    ).toBe(2);
    expect(
      sample(text, 'gitops_image_bot_github_requests_total{method="GET",status="404",limit="none"}'),
    ).toBe(2);
    expect(sample(text, 'gitops_image_bot_github_rate_limit_remaining{resource="core"}')).toBe(4999);
    // Labels are method and status only: no URL, repository or path.
    const series = text
      .split("\n")
      .filter((line) => line.startsWith("gitops_image_bot_github_requests_total"));
    expect(series.join("\n")).not.toMatch(/manifests|repos|README|no-such-repo/);
  });
});

describe("/metrics with METRICS_TOKEN", () => {
  const token = "s3cret-token_0123456789";
  const metrics = new Metrics();
  let harness: Harness;
  let origin: string;

  beforeAll(async () => {
    ({ harness, origin } = await startApp(metrics, { token }));
  });

  afterAll(() => closeExpectingNoViolations(harness));

  test.each([
    ["no header", undefined],
    ["a wrong token", `Bearer ${token}x`],
    ["a prefix of the token", `Bearer ${token.slice(0, 5)}`],
    ["the token as Basic", `Basic ${token}`],
    ["the token without a scheme", token],
    ["an empty bearer", "Bearer "],
  ])("401 with %s, and the answer does not show the token", async (_name, authorization) => {
    const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
    for (const method of ["GET", "HEAD"]) {
      const response = await fetch(`${origin}/metrics`, { method, headers });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
      const body = await response.text();
      expect(body).not.toContain(token);
      expect(body).not.toContain("gitops_image_bot_");
    }
  });

  test("200 with the token (the scheme is case-insensitive)", async () => {
    metrics.commit();
    for (const scheme of ["Bearer", "bearer"]) {
      const response = await fetch(`${origin}/metrics`, { headers: { authorization: `${scheme} ${token}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(PROMETHEUS_TEXT);
      expect(sample(await response.text(), "gitops_image_bot_commits_total")).toBe(1);
    }
  });

  test("other paths still need no token", async () => {
    expect((await fetch(`${origin}/nope`)).status).toBe(404);
  });
});

describe("Metrics", () => {
  test("two instances have registries of their own", async () => {
    const first = new Metrics();
    const second = new Metrics();
    first.commit();
    expect(sample(await first.text(), "gitops_image_bot_commits_total")).toBe(1);
    expect(sample(await second.text(), "gitops_image_bot_commits_total")).toBe(0);
  });

  test(`a request that gets no response is counted as ${NO_RESPONSE_STATUS} and rethrown`, async () => {
    const metrics = new Metrics();
    const Client = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      retry: { enabled: false },
      throttle: { enabled: false },
    }));
    // Port 1 on loopback: connection refused at once.
    const octokit = new Client({ baseUrl: "http://127.0.0.1:1", auth: "token" });
    metrics.observeOctokit(octokit);
    await expect(octokit.request("POST /markdown", { text: "x" })).rejects.toMatchObject({ status: 500 });
    const text = await metrics.text();
    expect(
      sample(
        text,
        `gitops_image_bot_github_requests_total{method="POST",status="${NO_RESPONSE_STATUS}",limit="none"}`,
      ),
    ).toBe(1);
    expect(text).not.toContain('status="500"');
  });

  test("githubResponse records the rate limit per resource, and skips responses without the header", async () => {
    const metrics = new Metrics();
    metrics.githubResponse("post", 200, {
      "x-ratelimit-remaining": "4990",
      "x-ratelimit-resource": "graphql",
    });
    metrics.githubResponse("get", 403, { "x-ratelimit-remaining": "0", "x-ratelimit-resource": "core" });
    metrics.githubResponse("get", 200, { "x-ratelimit-remaining": "12" });
    metrics.githubResponse("get", 200, {});
    const text = await metrics.text();
    expect(sample(text, 'gitops_image_bot_github_rate_limit_remaining{resource="graphql"}')).toBe(4990);
    expect(sample(text, 'gitops_image_bot_github_rate_limit_remaining{resource="core"}')).toBe(0);
    expect(sample(text, 'gitops_image_bot_github_rate_limit_remaining{resource="unknown"}')).toBe(12);
    expect(
      sample(text, 'gitops_image_bot_github_requests_total{method="GET",status="200",limit="none"}'),
    ).toBe(2);
    expect(
      sample(text, 'gitops_image_bot_github_requests_total{method="GET",status="403",limit="primary"}'),
    ).toBe(1);
    expect(
      sample(text, 'gitops_image_bot_github_requests_total{method="POST",status="200",limit="none"}'),
    ).toBe(1);
  });
});

describe("registerMetrics without a server", () => {
  test("does nothing in a bare Probot (unit tests) or without options", async () => {
    const metrics = new Metrics();
    const probot = new Probot({
      githubToken: "test",
      Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
        ...options,
        retry: { enabled: false },
        throttle: { enabled: false },
      })),
    });
    await expect(probot.load((_app, options) => registerMetrics(options, metrics))).resolves.toBeUndefined();
    expect(() => registerMetrics(undefined, metrics)).not.toThrow();
  });

  test("passes on other errors from addHandler", () => {
    const addHandler = () => {
      throw new Error("something else");
    };
    expect(() => registerMetrics({ addHandler }, new Metrics())).toThrow("something else");
  });

  test("refuses a token a client cannot send, without showing it", () => {
    const addHandler = () => {};
    for (const token of ["with space", "trailing-newline\n"]) {
      let message = "";
      try {
        registerMetrics({ addHandler }, new Metrics(), { token });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^METRICS_TOKEN has whitespace/);
      expect(message).not.toContain(token.trim());
    }
  });
});
