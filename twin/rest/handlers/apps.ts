import type { TwinCore } from "../../twin-core.js";
import type { AppRecord, InstallationRecord } from "../../state.js";
import { HttpError, notFound, paginate, type RestHandlers, type RestRequest } from "../handler.js";
import { repoJson, userJson, type Json, type Urls } from "../shapes.js";

function requireApp(request: RestRequest): AppRecord {
  if (request.caller.kind !== "app") {
    throw new HttpError(401, "A JSON web token could not be decoded");
  }
  return request.caller.app;
}

export function appJson(urls: Urls, app: AppRecord): Json {
  return {
    id: app.id,
    slug: app.slug,
    node_id: app.nodeId,
    client_id: `Iv1.${app.id}`,
    owner: userJson(urls, app.owner),
    name: app.name,
    description: null,
    external_url: `${urls.web}/apps/${app.slug}`,
    html_url: `${urls.web}/apps/${app.slug}`,
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: app.permissions,
    events: [...app.events],
  };
}

function installationJson(urls: Urls, twin: TwinCore, installation: InstallationRecord): Json {
  const app = twin.store.apps.get(installation.appId)!;
  return {
    id: installation.id,
    account: userJson(urls, installation.account),
    repository_selection: installation.repositories === "all" ? "all" : "selected",
    access_tokens_url: `${urls.api}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url: `${urls.web}/organizations/${installation.account.login}/settings/installations/${installation.id}`,
    app_id: installation.appId,
    target_id: installation.account.id,
    target_type: installation.account.type,
    permissions: app.permissions,
    events: [...app.events],
    created_at: installation.createdAt,
    updated_at: installation.createdAt,
    single_file_name: null,
    app_slug: app.slug,
    suspended_by: null,
    suspended_at: null,
  };
}

function ownInstallation(request: RestRequest, twin: TwinCore): InstallationRecord {
  const app = requireApp(request);
  const installation = twin.store.installations.get(Number(request.params["installation_id"]));
  if (!installation || installation.appId !== app.id) throw notFound();
  return installation;
}

export const appsHandlers: RestHandlers = {
  "apps/get-authenticated": async (request) => ({
    status: 200,
    body: appJson(request.urls, requireApp(request)),
  }),

  "apps/list-installations": async (request, twin) => {
    const app = requireApp(request);
    const list = [...twin.store.installations.values()].filter((i) => i.appId === app.id);
    return paginate(
      request,
      list.map((i) => installationJson(request.urls, twin, i)),
      "/app/installations",
    );
  },

  "apps/get-installation": async (request, twin) => ({
    status: 200,
    body: installationJson(request.urls, twin, ownInstallation(request, twin)),
  }),

  "apps/get-repo-installation": async (request, twin) => {
    const app = requireApp(request);
    const repo = twin.store.findRepo(request.params["owner"] ?? "", request.params["repo"] ?? "");
    const installation = repo
      ? [...twin.store.installations.values()].find(
          (i) => i.appId === app.id && twin.store.installationCovers(i, repo),
        )
      : undefined;
    if (!installation) throw notFound();
    return { status: 200, body: installationJson(request.urls, twin, installation) };
  },

  "apps/create-installation-access-token": async (request, twin) => {
    const installation = ownInstallation(request, twin);
    const token = twin.store.issueToken(installation.id);
    const app = twin.store.apps.get(installation.appId)!;
    return {
      status: 201,
      body: {
        token: token.token,
        expires_at: new Date(token.expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
        permissions: app.permissions,
        repository_selection: installation.repositories === "all" ? "all" : "selected",
      },
    };
  },

  "apps/list-repos-accessible-to-installation": async (request, twin) => {
    if (request.caller.kind !== "installation")
      throw new HttpError(403, "Resource not accessible by integration");
    const { installation } = request.caller;
    const repos = [...twin.store.repos.values()].filter((repo) =>
      twin.store.installationCovers(installation, repo),
    );
    const pageOf = paginate(
      request,
      repos.map((repo) => repoJson(request.urls, repo)),
      "/installation/repositories",
    );
    return {
      ...pageOf,
      body: {
        total_count: repos.length,
        repositories: pageOf.body,
        repository_selection: installation.repositories === "all" ? "all" : "selected",
      },
    };
  },
};
