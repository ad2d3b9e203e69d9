// The app alone in its own process, run as production runs it: the compiled JavaScript (`npm run
// build`) under plain node, behind `probot run` with the app's Octokit as src/start.ts passes it
// (Probot's, throttling and retries on, writes spaced a second apart and reads not).
// The benchmark measures its memory apart from the twin's and talks to it over IPC.
import { run } from "probot";
import { createBot } from "../dist/app.js";
import { appOctokit } from "../dist/adapters/github/app-octokit.js";
import { shutDown, graceMsFrom } from "../dist/runtime/shutdown.js";

const send = (message) => process.send?.(message);
let peakRss = process.memoryUsage().rss;
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100).unref();

// Every content-creating request this process sends (REST writes and GraphQL mutations, each attempt,
// retries included; the installation token request creates nothing), timed when it leaves, and the
// answers that were GitHub's secondary rate limit. Octokit sends through the global fetch.
const contentRequests = [];
const isTokenRequest = (path) => /\/app\/installations\/\d+\/access_tokens$/.test(path);
function contentCreating(method, path, body) {
  if (method === "GET" || method === "HEAD") return false;
  if (path.endsWith("/graphql")) {
    try {
      return /^\s*(#[^\n]*\n\s*)*mutation\b/.test(JSON.parse(String(body)).query ?? "");
    } catch {
      return false;
    }
  }
  return !isTokenRequest(path);
}
const fetchBefore = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const request = typeof input === "object" && input !== null && "url" in input ? input : undefined;
  const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
  const path = new URL(request?.url ?? String(input)).pathname;
  if (!contentCreating(method, path, init?.body)) return fetchBefore(input, init);
  const entry = { at: Date.now(), method, path, status: 0, secondaryLimit: false };
  contentRequests.push(entry);
  const response = await fetchBefore(input, init);
  entry.status = response.status;
  if (response.status === 403 || response.status === 429)
    entry.secondaryLimit = /secondary rate limit/i.test(await response.clone().text());
  return response;
};

// With REDIS_URL and REPLICA_ID in the environment, one replica of a fleet (bench/fleet-rig.ts).
const replica = process.env.REPLICA_ID;
const bot = createBot({
  onCommit: ({ repo, builds }) =>
    send({
      type: "commit",
      repo: repo.name,
      at: Date.now(),
      builds: builds.map((build) => build.id),
      replica,
    }),
});
const env = Object.fromEntries(Object.entries(process.env).filter((entry) => entry[1] !== undefined));
// The Octokit production runs with (src/start.ts): writes spaced, reads not.
const server = await run(bot.appFn, { env, Octokit: appOctokit() });
// As src/start.ts does: SIGTERM stops taking webhooks and finishes the work under way.
process.once("SIGTERM", () => {
  const log = { info: () => undefined, warn: (object, message) => console.error(message, object) };
  void shutDown({ server, bot, log }, graceMsFrom(process.env)).then(() => process.exit(0));
});
process.on("message", (message) => {
  if (message.type === "idle") void bot.idle().then(() => send({ type: "idle", id: message.id }));
  else if (message.type === "metrics")
    void bot.metrics.text().then((text) => send({ type: "metrics", id: message.id, text }));
  else if (message.type === "content-requests")
    send({ type: "content-requests", id: message.id, requests: contentRequests });
  else send({ type: "peak-rss", id: message.id, bytes: Math.max(peakRss, process.memoryUsage().rss) });
});
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
