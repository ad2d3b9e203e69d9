import type { TwinCore } from "./twin-core.js";
import type { RestResponse } from "./rest/handler.js";
import type { Permission } from "./state.js";
import { fullName } from "./state.js";

type Body = Record<string, unknown>;

function bad(message: string): RestResponse {
  return { status: 400, body: { message } };
}

/**
 * The twin's admin interface (`/_twin/...`), for a twin started from the command line: seed apps,
 * installations, repositories and commits; send webhooks; arm faults; read counters and violations.
 */
export async function serveAdmin(
  twin: TwinCore,
  method: string,
  path: string,
  rawBody: string,
): Promise<RestResponse> {
  let body: Body = {};
  if (rawBody.trim() !== "") {
    try {
      body = JSON.parse(rawBody) as Body;
    } catch {
      return bad("the body is not JSON");
    }
  }
  const store = twin.store;
  const route = `${method} ${path}`;
  switch (route) {
    case "POST /_twin/apps": {
      if (typeof body["slug"] !== "string" || typeof body["publicKeyPem"] !== "string")
        return bad("slug and publicKeyPem are required");
      const app = store.createApp({
        ...(typeof body["id"] === "number" ? { id: body["id"] } : {}),
        slug: body["slug"],
        owner: typeof body["owner"] === "string" ? body["owner"] : "twin",
        publicKeyPem: body["publicKeyPem"],
        ...(typeof body["webhookUrl"] === "string" ? { webhookUrl: body["webhookUrl"] } : {}),
        ...(typeof body["webhookSecret"] === "string" ? { webhookSecret: body["webhookSecret"] } : {}),
        ...(Array.isArray(body["events"]) ? { events: body["events"] as string[] } : {}),
      });
      return { status: 201, body: { id: app.id, slug: app.slug } };
    }
    case "POST /_twin/repos": {
      if (typeof body["owner"] !== "string" || typeof body["name"] !== "string")
        return bad("owner and name are required");
      const repo = await store.createRepo({
        owner: body["owner"],
        name: body["name"],
        ...(typeof body["defaultBranch"] === "string" ? { defaultBranch: body["defaultBranch"] } : {}),
        ...(Array.isArray(body["files"])
          ? { files: body["files"] as Array<{ path: string; content: string }> }
          : {}),
        ...(typeof body["collaborators"] === "object"
          ? { collaborators: body["collaborators"] as Record<string, Permission> }
          : {}),
        ...(Array.isArray(body["requiredChecks"])
          ? { requiredChecks: body["requiredChecks"] as string[] }
          : {}),
      });
      return { status: 201, body: { id: repo.id, full_name: fullName(repo), git_dir: repo.git.dir } };
    }
    case "POST /_twin/installations": {
      if (typeof body["appId"] !== "number" || typeof body["account"] !== "string")
        return bad("appId and account are required");
      const repositories = Array.isArray(body["repositories"]) ? (body["repositories"] as string[]) : "all";
      const installation = store.install(body["appId"], body["account"], repositories);
      return { status: 201, body: { id: installation.id } };
    }
    case "POST /_twin/commits": {
      const repo = store.findRepo(String(body["owner"]), String(body["repo"]));
      if (!repo || !Array.isArray(body["files"])) return bad("owner, repo and files are required");
      const branch = typeof body["branch"] === "string" ? body["branch"] : repo.defaultBranch;
      const message =
        typeof body["message"] === "string" ? body["message"] : "A commit from the admin interface";
      const sha = await store.commitFiles(
        repo,
        branch,
        body["files"] as Array<{ path: string; content: string | null }>,
        message,
      );
      return { status: 201, body: { sha } };
    }
    case "POST /_twin/webhooks": {
      const app = store.apps.get(Number(body["appId"]));
      if (!app || typeof body["event"] !== "string" || typeof body["payload"] !== "object")
        return bad("appId, event and payload are required");
      const delivery = await twin.deliver(app, body["event"], body["payload"] as Body);
      return { status: 200, body: { id: delivery.id, status: delivery.status } };
    }
    case "POST /_twin/faults": {
      const latency = body["latency"];
      if (latency && typeof latency === "object") {
        for (const [name, ms] of Object.entries(latency)) twin.faults.setLatency(name, Number(ms));
      }
      if (typeof body["contentCreatingPerMinute"] === "number")
        twin.faults.contentCreatingPerMinute = body["contentCreatingPerMinute"];
      if (body["clear"] === true) twin.faults.clear();
      return { status: 200, body: { latency: Object.fromEntries(twin.faults.latency) } };
    }
    case "GET /_twin/counters":
      return { status: 200, body: twin.counters.snapshot() };
    case "GET /_twin/violations":
      return { status: 200, body: { violations: twin.violations } };
    case "GET /_twin/deliveries":
      return {
        status: 200,
        body: twin.webhooks.deliveries.map(({ id, event, action, status }) => ({
          id,
          event,
          action,
          status,
        })),
      };
    case "GET /_twin/repos": {
      const repos = [];
      for (const repo of store.repos.values()) {
        repos.push({
          full_name: fullName(repo),
          git_dir: repo.git.dir,
          refs: await repo.git.listRefs("refs/heads/"),
        });
      }
      return { status: 200, body: repos };
    }
    default:
      return { status: 404, body: { message: `The twin's admin interface has no ${route}` } };
  }
}
