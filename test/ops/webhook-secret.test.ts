// Item 9 of #15: no webhook is served with Probot's default or a short secret, whatever NODE_ENV says.
import { createHmac, randomUUID } from "node:crypto";
import { Webhooks } from "@octokit/webhooks";
import { createBot } from "../../src/app.js";
import { guardVerification } from "../../src/http/webhook-guard.js";
import { startHarness } from "../../twin/harness.js";
import { DEV, OLD, sourceRepo, webManifests } from "../e2e/bot-harness.js";

const sign = (secret: string, body: string) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

test("the app's server answers 503 to webhooks signed with Probot's default secret, and does nothing", async () => {
  const bot = createBot({ batchWindowMs: 150, scheduleTickMs: 0, warmUp: false });
  // NODE_ENV is "test" here: the refusal does not depend on it.
  const harness = await startHarness({
    appFn: bot.appFn,
    appIdle: bot.idle,
    repos: [webManifests(), sourceRepo("web")],
    env: { WEBHOOK_SECRET: "development" },
  });
  try {
    const web = harness.repo("acme", "web");
    const sha = await harness.twin.store.commitFiles(web, "main", [{ path: "a", content: "1\n" }], "change");
    const { payload } = harness.workflowRunPayload("acme", "web", {
      headSha: sha,
      headBranch: "main",
      event: "push",
    });
    const body = JSON.stringify({ ...payload, installation: { id: harness.installation.id } });
    const response = await fetch(harness.webhookUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "workflow_run",
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": sign("development", body),
      },
      body,
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toMatch(
      /refuses webhooks: its WEBHOOK_SECRET is "development"/,
    );
    await harness.idle();
    const text = await harness.file("acme", "manifests", DEV);
    expect(text).toContain(`newTag: "${OLD}"`);
  } finally {
    bot.stop();
    await harness.close();
  }
});

describe("guardVerification", () => {
  const probot = (secret: string) => new Webhooks({ secret });
  const GOOD = "0123456789abcdef0123456789abcdef";

  test("Probot's default secret: every webhook refused", async () => {
    expect((await guardVerification(probot("development"), undefined)).refusal).toMatch(/"development"/);
  });

  test("a short secret that is Probot's: refused, with its length", async () => {
    expect((await guardVerification(probot("hunter2"), "hunter2")).refusal).toMatch(
      /only 7 characters long: use at least 16/,
    );
  });

  test("a good secret that is Probot's: verifies the bytes itself", async () => {
    const { verify, refusal } = await guardVerification(probot(GOOD), GOOD);
    expect(refusal).toBeUndefined();
    const check = verify();
    check.update(Buffer.from('{"a":'));
    check.update(Buffer.from("1}"));
    expect(await check.matches(sign(GOOD, '{"a":1}'), () => Buffer.alloc(0))).toBe(true);
    const forged = verify();
    forged.update(Buffer.from('{"a":1}'));
    expect(await forged.matches(sign("another secret of length", '{"a":1}'), () => Buffer.alloc(0))).toBe(
      false,
    );
  });

  test("a WEBHOOK_SECRET that is not Probot's is never trusted: Probot's own check decides", async () => {
    const { verify, refusal } = await guardVerification(probot(GOOD), "a-different-secret-of-length");
    expect(refusal).toBeUndefined();
    const body = Buffer.from('{"a":1}');
    expect(await verify().matches(sign(GOOD, '{"a":1}'), () => body)).toBe(true);
    expect(await verify().matches(sign("a-different-secret-of-length", '{"a":1}'), () => body)).toBe(false);
  });
});
