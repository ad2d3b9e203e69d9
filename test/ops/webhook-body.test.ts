// Item 1 of #15: a webhook body is bounded before its signature is checked. Each test drives the app's
// real Probot server (createBot behind `run`) against the twin over 127.0.0.1 and checks the answer, and
// that the app still deploys a signed build afterwards.
import { createHmac, randomUUID } from "node:crypto";
import { request } from "node:http";
import { DEV, sourceRepo, startBot, webManifests, type BotHarness } from "../e2e/bot-harness.js";
import { IN_FLIGHT_BYTES, MAX_WEBHOOK_BYTES } from "../../src/http/webhook-guard.js";

const MiB = 1024 * 1024;
let bot: BotHarness;

beforeAll(async () => {
  bot = await startBot([webManifests(), sourceRepo("web")]);
});
afterAll(async () => {
  const violations = [...bot.twin.violations];
  await bot.close();
  expect(violations).toEqual([]);
});

interface Post {
  /** Resolves with the answer's status and body, however much of the request body was sent by then. */
  readonly answer: Promise<{ status: number; body: string }>;
  /** Bytes of the body written before the answer came. */
  sent(): number;
  abort(): void;
}

/**
 * POSTs to the webhook path: `bytes` of body (JSON-looking filler unless `body` is given), with a
 * Content-Length unless `chunked`, written in 64 KiB pieces until the answer comes, or only `stopAfter`
 * bytes and then nothing more (the request stays open).
 */
function post(options: {
  bytes?: number;
  body?: Buffer;
  chunked?: boolean;
  stopAfter?: number;
  signature?: string;
  event?: string;
}): Post {
  const body = options.body;
  const total = body?.length ?? options.bytes ?? 0;
  let written = 0;
  let answered = false;
  const req = request(bot.webhookUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": options.event ?? "workflow_run",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": options.signature ?? `sha256=${"0".repeat(64)}`,
      ...(options.chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(total) }),
    },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on("response", (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on("error", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    // After the answer, the server closes the connection on the rest of the body: not the test's concern.
    req.on("error", (error) => (answered ? undefined : reject(error)));
  });
  const filler = Buffer.alloc(64 * 1024, "a");
  const limit = Math.min(total, options.stopAfter ?? total);
  const pump = (): void => {
    while (!answered && written < limit) {
      const size = Math.min(filler.length, limit - written);
      const piece = body ? body.subarray(written, written + size) : filler.subarray(0, size);
      written += size;
      if (!req.write(piece)) {
        req.once("drain", pump);
        return;
      }
    }
    if (!answered && written >= total) req.end();
  };
  pump();
  return {
    answer,
    sent: () => written,
    abort: () => {
      answered = true; // the answer never comes: no error either
      req.destroy();
    },
  };
}

test("a forged body over 25 MB is refused with 413", async () => {
  const { status, body } = await post({ bytes: 26 * MiB }).answer;
  expect(status).toBe(413);
  expect(JSON.parse(body).error).toMatch(/GitHub delivers at most 26214400 bytes/);
});

test("a declared length over 25 MB is refused before the body is read", async () => {
  // Only 64 KiB are sent and the request stays open: an answer can only come from the header.
  const forged = post({ bytes: MAX_WEBHOOK_BYTES + 1, stopAfter: 64 * 1024 });
  const { status } = await forged.answer;
  expect(status).toBe(413);
  expect(forged.sent()).toBe(64 * 1024);
  forged.abort();
});

test("a chunked body (no Content-Length) is refused with 413 as soon as it passes 25 MB", async () => {
  const forged = post({ bytes: 30 * MiB, chunked: true });
  const { status } = await forged.answer;
  expect(status).toBe(413);
  expect(forged.sent()).toBeLessThan(30 * MiB);
});

test("bodies held at once are bounded: another large one gets 503 while one is in flight", async () => {
  const held = post({ bytes: 20 * MiB, stopAfter: 64 * 1024 });
  // The first is admitted: it is being read (nothing answered it), so a second of 20 MB cannot fit.
  expect(20 * MiB * 2).toBeGreaterThan(IN_FLIGHT_BYTES);
  let second = await post({ bytes: 20 * MiB }).answer;
  // The first request may not have reached the server yet: ask again until it has (bounded by the budget).
  while (second.status !== 503) second = await post({ bytes: 20 * MiB }).answer;
  expect(second.status).toBe(503);
  held.abort();
  // Once the held request is gone its share is given back: a forged 20 MB body is read, then refused (400).
  let after = await post({ bytes: 20 * MiB }).answer;
  while (after.status === 503) after = await post({ bytes: 20 * MiB }).answer;
  expect(after.status).toBe(400);
  expect(JSON.parse(after.body).error).toBe("signature does not match event payload and secret");
});

test("GitHub's largest real delivery (a signed workflow_run of almost 25 MB) is deployed", async () => {
  const sha = await bot.commitSource("web");
  const payload = {
    ...bot.workflowRun("web", sha),
    installation: { id: bot.installation.id, node_id: `I_${bot.installation.id}` },
  };
  const unpadded = Buffer.byteLength(JSON.stringify({ ...payload, padding: "" }));
  // Padding in a field the app ignores brings the delivery to 4 KiB under GitHub's cap.
  const body = Buffer.from(
    JSON.stringify({ ...payload, padding: "x".repeat(MAX_WEBHOOK_BYTES - 4096 - unpadded) }),
  );
  expect(body.length).toBe(MAX_WEBHOOK_BYTES - 4096);
  const signature = `sha256=${createHmac("sha256", bot.secret).update(body).digest("hex")}`;
  const { status } = await post({ body, signature }).answer;
  expect(status).toBe(200);
  await bot.idle();
  expect(await bot.deployed(DEV)).toBe(sha);
});
