#!/usr/bin/env node
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Twin } from "./twin.js";
import { throwawayKeyPair } from "./keys.js";
import { CONFIG_PATH, sendBuildRequest, standaloneRepos } from "./fixtures/standalone-seed.js";

const HELP = `Usage: npm run twin -- [options]

Starts the GitHub twin: GitHub's REST API under /api/v3, GraphQL at /api/graphql, an admin
interface under /_twin, with real git repositories underneath.

Options:
  --port N              port to listen on (default 3001)
  --host H              address to listen on (default 127.0.0.1)
  --services N          services in the seeded acme/manifests repository (default 50; 0: seed nothing)
  --app-id N            the GitHub App id the twin knows (default 4242)
  --webhook-url URL     where the twin delivers the app's webhooks (default http://127.0.0.1:3000/api/github/webhooks)
  --webhook-secret S    the app's webhook secret (default: printed at start)
  --latency MS          latency of every route, to resemble github.com (default 0)
  --no-validate         do not check requests and answers against GitHub's schemas
  --help                this text
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "3001" },
      host: { type: "string", default: "127.0.0.1" },
      services: { type: "string", default: "50" },
      "app-id": { type: "string", default: "4242" },
      "webhook-url": { type: "string", default: "http://127.0.0.1:3000/api/github/webhooks" },
      "webhook-secret": { type: "string" },
      latency: { type: "string", default: "0" },
      "no-validate": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const twin = await Twin.create({ validate: !values["no-validate"] });
  twin.onViolation = (message) => process.stderr.write(`twin: VIOLATION ${message}\n`);
  twin.faults.setLatency("*", Number(values.latency));
  const url = await twin.listen(Number(values.port), values.host);
  const keys = throwawayKeyPair();
  const keyPath = join(twin.store.dataDir, "app.private-key.pem");
  await writeFile(keyPath, keys.privateKey, { mode: 0o600 });
  const secret = values["webhook-secret"] ?? randomBytes(20).toString("hex");
  const app = twin.store.createApp({
    id: Number(values["app-id"]),
    slug: "gitops-image-bot",
    owner: "acme",
    publicKeyPem: keys.publicKey,
    webhookUrl: values["webhook-url"],
    webhookSecret: secret,
  });
  const services = Number(values.services);
  const repos = standaloneRepos({ services });
  for (const repo of repos) await twin.store.createRepo(repo);
  const installation = twin.store.install(app.id, "acme");
  const host = new URL(url).host;
  const source = repos[1]?.name;
  const sourceNames = repos
    .slice(1)
    .map((repo) => `acme/${repo.name}`)
    .join(", ");
  const build = source ? sendBuildRequest(url, "acme", source) : undefined;
  process.stdout.write(
    [
      `GitHub twin listening on ${url} (REST ${twin.urls.api}, GraphQL ${url}/api/graphql)`,
      source
        ? `Seeded acme/manifests with ${services} services x dev/qa/prod and its ${CONFIG_PATH}, and source repositories ${sourceNames}.`
        : "Nothing seeded.",
      `App ${app.id} is installed on acme (installation ${installation.id}); webhooks go to ${values["webhook-url"]}.`,
      "",
      "Point a Probot app at it with:",
      `  APP_ID=${app.id} PRIVATE_KEY_PATH=${keyPath} WEBHOOK_SECRET=${secret} GHE_HOST=${host} GHE_PROTOCOL=http`,
      "(this app: npm run build, then those variables before npm start)",
      "",
      ...(build
        ? [
            `Send a build: a new commit of acme/${source}, its successful workflow run, and the signed workflow_run webhook:`,
            `  curl -s -X POST ${build.url} -H 'content-type: application/json' -d '${build.body}'`,
            `Then, after the batch window (5 s), see the app's commit: git --git-dir ${join(twin.store.dataDir, "acme", "manifests.git")} log -p -1`,
            "",
          ]
        : []),
      `Repositories are bare git repositories under ${twin.store.dataDir}.`,
      `Counters: curl ${url}/_twin/counters   Violations: curl ${url}/_twin/violations   Admin API: docs/twin.md`,
      "Stop with Ctrl-C.",
      "",
    ].join("\n"),
  );
  const stop = (): void => {
    void twin.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`twin: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
