// The app alone in its own process, run as production runs it: the compiled JavaScript (`npm run
// build`) under plain node, behind `probot run` with Probot's own Octokit (throttling and retries on).
// The benchmark measures its memory apart from the twin's and talks to it over IPC.
import { run } from "probot";
import { createBot } from "../dist/app.js";

const send = (message) => process.send?.(message);
let peakRss = process.memoryUsage().rss;
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100).unref();

const bot = createBot({
  onCommit: ({ repo, builds }) =>
    send({ type: "commit", repo: repo.name, at: Date.now(), builds: builds.map((build) => build.id) }),
});
const env = Object.fromEntries(Object.entries(process.env).filter((entry) => entry[1] !== undefined));
await run(bot.appFn, { env });
process.on("message", (message) => {
  if (message.type === "idle") void bot.idle().then(() => send({ type: "idle", id: message.id }));
  else send({ type: "peak-rss", id: message.id, bytes: Math.max(peakRss, process.memoryUsage().rss) });
});
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
