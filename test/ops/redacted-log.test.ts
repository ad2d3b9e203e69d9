import { PassThrough } from "node:stream";
import { redactedLog } from "../../src/http/redacted-log.js";

test("the server's log never shows an Authorization header (a /metrics token), a cookie or Argo CD's secret", async () => {
  const out = new PassThrough();
  const lines: string[] = [];
  out.on("data", (chunk: Buffer) => lines.push(chunk.toString("utf8")));
  const log = await redactedLog({ LOG_FORMAT: "json", LOG_LEVEL: "info" }, out);
  log.info(
    {
      req: {
        method: "GET",
        url: "/metrics",
        headers: {
          authorization: "Bearer s3cret",
          cookie: "a=b",
          host: "x",
          "x-gitops-image-bot-secret": "argo-s3cret",
        },
      },
    },
    "request completed",
  );
  await new Promise((resolve) => setImmediate(resolve));
  const text = lines.join("");
  expect(text).toContain("request completed");
  expect(text).toContain('"host":"x"');
  expect(text).not.toContain("s3cret");
  expect(text).not.toContain("a=b");
  expect(text).not.toContain("argo-s3cret");
  expect(text).toContain("[Redacted]");
});

test("production logs are JSON unless LOG_FORMAT says otherwise; the level comes from LOG_LEVEL", async () => {
  const out = new PassThrough();
  const lines: string[] = [];
  out.on("data", (chunk: Buffer) => lines.push(chunk.toString("utf8")));
  const log = await redactedLog({ NODE_ENV: "production", LOG_LEVEL: "warn" }, out);
  log.info("hidden");
  log.warn("shown");
  await new Promise((resolve) => setImmediate(resolve));
  const text = lines.join("");
  expect(text).not.toContain("hidden");
  expect(JSON.parse(text.trim().split("\n")[0] ?? "{}")).toMatchObject({ msg: "shown", name: "probot" });
});

test("a registry endpoint's URL is logged without its path secret; other URLs as they are", async () => {
  const out = new PassThrough();
  const lines: string[] = [];
  out.on("data", (chunk: Buffer) => lines.push(chunk.toString("utf8")));
  const log = await redactedLog({ LOG_FORMAT: "json", LOG_LEVEL: "info" }, out);
  const secret = "dockerhub-path-secret-0123456789";
  log.child({ req: { method: "POST", url: `/api/registry/dockerhub/${secret}`, headers: {} } }).info("one");
  log.info({ req: { method: "POST", url: `/api/registry/quay/${secret}?x=1`, headers: {} } }, "two");
  log.info({ req: { method: "GET", url: "/metrics", headers: {} } }, "three");
  await new Promise((resolve) => setImmediate(resolve));
  const text = lines.join("");
  expect(text).not.toContain(secret);
  expect(text).toContain('"url":"/api/registry/dockerhub/[redacted]"');
  expect(text).toContain('"url":"/api/registry/quay/[redacted]"');
  expect(text).toContain('"url":"/metrics"');
});

test("with a replica id every line carries it, next to pid and hostname; without one, none", async () => {
  const out = new PassThrough();
  const lines: string[] = [];
  out.on("data", (chunk: Buffer) => lines.push(chunk.toString("utf8")));
  const log = await redactedLog(
    { LOG_FORMAT: "json", LOG_LEVEL: "info" },
    out,
    "gitops-image-bot-7d9f-abcde",
  );
  log.info("from the base logger");
  log.child({ name: "server" }).info("from a child, as Probot makes them");
  const plain = await redactedLog({ LOG_FORMAT: "json", LOG_LEVEL: "info" }, out);
  plain.info("no replica");
  await new Promise((resolve) => setImmediate(resolve));
  const parsed = lines
    .join("")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(parsed).toEqual([
    expect.objectContaining({
      msg: "from the base logger",
      replica: "gitops-image-bot-7d9f-abcde",
      pid: process.pid,
    }),
    expect.objectContaining({
      msg: "from a child, as Probot makes them",
      replica: "gitops-image-bot-7d9f-abcde",
    }),
    expect.objectContaining({ msg: "no replica", pid: process.pid }),
  ]);
  expect(parsed[2]).not.toHaveProperty("replica");
});
