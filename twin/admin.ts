import type { TwinCore } from "./twin-core.js";
import type { RestResponse } from "./rest/handler.js";
import { fullName } from "./state.js";
import { parseAdminBody, type AdminBody, type AdminRoute } from "./admin-bodies.js";
import { recordWorkflowRunWebhook } from "./workflow-run-webhook.js";

function answer(status: number, message: string): RestResponse {
  return { status, body: { message } };
}

/** Drops the keys whose value is undefined (the store's inputs are exact optional types). */
function defined<T extends Record<string, unknown>>(input: T): T {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as T;
}

type PostHandler<R extends AdminRoute> = (twin: TwinCore, body: AdminBody<R>) => Promise<RestResponse>;

const posts: { [R in AdminRoute]: PostHandler<R> } = {
  "POST /_twin/apps": async (twin, body) => {
    let app;
    try {
      app = twin.store.createApp(defined({ ...body, owner: body.owner ?? "twin" }));
    } catch {
      return answer(400, "POST /_twin/apps: `publicKeyPem`: not a PEM public key");
    }
    return { status: 201, body: { id: app.id, slug: app.slug } };
  },
  "POST /_twin/repos": async (twin, body) => {
    if (twin.store.findRepo(body.owner, body.name))
      return answer(422, `repository ${body.owner}/${body.name} already exists`);
    const repo = await twin.store.createRepo(defined(body));
    return { status: 201, body: { id: repo.id, full_name: fullName(repo), git_dir: repo.git.dir } };
  },
  "POST /_twin/installations": async (twin, body) => {
    if (!twin.store.apps.has(body.appId)) return answer(404, `no app ${body.appId}`);
    const missing = body.repositories?.find((name) => !twin.store.findRepo(body.account, name));
    if (missing !== undefined) return answer(404, `no repository ${body.account}/${missing}`);
    const installation = twin.store.install(body.appId, body.account, body.repositories ?? "all");
    return { status: 201, body: { id: installation.id } };
  },
  "POST /_twin/commits": async (twin, body) => {
    const repo = twin.store.findRepo(body.owner, body.repo);
    if (!repo) return answer(404, `no repository ${body.owner}/${body.repo}`);
    const message = body.message ?? "A commit from the admin interface";
    const sha = await twin.store.commitFiles(repo, body.branch ?? repo.defaultBranch, body.files, message);
    return { status: 201, body: { sha } };
  },
  "POST /_twin/webhooks": async (twin, body) => {
    const app = twin.store.apps.get(body.appId);
    if (!app) return answer(404, `no app ${body.appId}`);
    if (!app.webhookUrl || !app.webhookSecret)
      return answer(422, `app ${body.appId} has no webhook URL and secret`);
    const delivery = await twin.deliver(app, body.event, body.payload, body.deliveryId);
    return { status: 200, body: { id: delivery.id, status: delivery.status } };
  },
  "POST /_twin/workflow-runs": async (twin, body) => {
    const repo = twin.store.findRepo(body.owner, body.repo);
    if (!repo) return answer(404, `no repository ${body.owner}/${body.repo}`);
    const branch = body.branch ?? repo.defaultBranch;
    // Without a SHA, a build of a new commit: a push to the branch, as a developer's would be.
    const headSha =
      body.headSha ??
      (await twin.store.commitFiles(
        repo,
        branch,
        [{ path: "BUILD", content: `${new Date().toISOString()}\n` }],
        "A change to build",
      ));
    if (!(await repo.git.readCommit(headSha)))
      return answer(422, `no commit ${headSha} in ${body.owner}/${body.repo}`);
    const { run, payload } = recordWorkflowRunWebhook(
      twin,
      repo,
      defined({
        headSha,
        headBranch: branch,
        event: body.event,
        path: body.path,
        name: body.name,
        status: body.status,
        conclusion: body.conclusion,
        jobs: body.jobs,
      }),
    );
    const sent = await twin.deliverToInstalled(repo, "workflow_run", payload);
    return {
      status: 201,
      body: {
        run_id: run.id,
        head_sha: run.headSha,
        head_branch: run.headBranch,
        deliveries: sent.map(({ app, delivery }) => ({
          app_id: app.id,
          id: delivery.id,
          status: delivery.status,
        })),
      },
    };
  },
  "POST /_twin/faults": async (twin, body) => {
    if (body.clear) twin.faults.clear();
    for (const [route, ms] of Object.entries(body.latency ?? {})) twin.faults.setLatency(route, ms);
    if (body.contentCreatingPerMinute !== undefined)
      twin.faults.contentCreatingPerMinute = body.contentCreatingPerMinute;
    return { status: 200, body: { latency: Object.fromEntries(twin.faults.latency) } };
  },
};

const gets: Record<string, (twin: TwinCore) => Promise<RestResponse>> = {
  "GET /_twin/counters": async (twin) => ({ status: 200, body: twin.counters.snapshot() }),
  "GET /_twin/violations": async (twin) => ({ status: 200, body: { violations: twin.violations } }),
  "GET /_twin/deliveries": async (twin) => ({
    status: 200,
    body: twin.webhooks.deliveries.map(({ id, event, action, status }) => ({ id, event, action, status })),
  }),
  "GET /_twin/repos": async (twin) => {
    const repos = [];
    for (const repo of twin.store.repos.values()) {
      repos.push({
        full_name: fullName(repo),
        git_dir: repo.git.dir,
        refs: await repo.git.listRefs("refs/heads/"),
      });
    }
    return { status: 200, body: repos };
  },
};

/** Every route of the admin interface (docs/twin.md lists each). */
export const ADMIN_ROUTES: readonly string[] = [...Object.keys(posts), ...Object.keys(gets)];

function isPost(route: string): route is AdminRoute {
  return Object.hasOwn(posts, route);
}

/**
 * The twin's admin interface (`/_twin/...`, described in docs/twin.md), for a twin started from the
 * command line: seed apps, installations, repositories and commits; record builds and send webhooks; arm
 * faults; read counters, deliveries and violations. Bodies are JSON, checked field by field: a wrong one
 * is a 400 that names it.
 */
export async function serveAdmin(
  twin: TwinCore,
  method: string,
  path: string,
  rawBody: string,
): Promise<RestResponse> {
  const route = `${method} ${path}`;
  if (isPost(route)) {
    let json: unknown = {};
    if (rawBody.trim() !== "") {
      try {
        json = JSON.parse(rawBody);
      } catch {
        return answer(400, `${route}: the body is not JSON`);
      }
    }
    const parsed = parseAdminBody(route, json);
    if (!parsed.ok) return answer(400, parsed.message);
    return (posts[route] as PostHandler<typeof route>)(twin, parsed.body);
  }
  const get = Object.hasOwn(gets, route) ? gets[route] : undefined;
  return get ? get(twin) : answer(404, `The twin's admin interface has no ${route}`);
}
