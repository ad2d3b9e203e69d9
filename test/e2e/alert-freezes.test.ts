// Error budgets end to end: Alertmanager posts its webhook notification (payload version 4) to the app's
// real server; a firing alert that matches `freeze.alerts` freezes environments in the state file through
// the deploy queue, a build then stops short of them, and the alert's `resolved` lifts only its own freeze.
import { readFileSync } from "node:fs";
import { parseState, STATE_PATH, type State } from "../../src/state/state-file.js";
import type { BotOptions } from "../../src/app.js";
import {
  closeExpectingNoViolations,
  CONFIG,
  DEV,
  OLD,
  PROD,
  sourceRepo,
  startBot,
  webManifests,
  type BotHarness,
} from "./bot-harness.js";

const FIXTURE = JSON.parse(
  readFileSync(new URL("../fixtures/alertmanager/firing-checkout.json", import.meta.url), "utf8"),
) as Notification;
const FINGERPRINT = "5f1c4e2a9b7d3c08";
const SUMMARY = "checkout error budget burning fast (14.4x)";
const SECRET = "am-0123456789abcdef0123456789abcdef";
const OLD_SECRET = "am-old-secret-rotated-out-soon-42";

interface Notification {
  status: string;
  alerts: { status: string; labels: Record<string, string>; fingerprint: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

const FREEZE_CONFIG = `${CONFIG}freeze:
  alerts:
    - match: { severity: page, slo: checkout }
      environments: [prod]
    - match: { team: payments }
`;

let bot: BotHarness;

async function start(secret: string | undefined, options: BotOptions = {}): Promise<void> {
  if (secret === undefined) delete process.env["ALERTMANAGER_WEBHOOK_SECRET"];
  else process.env["ALERTMANAGER_WEBHOOK_SECRET"] = secret;
  const manifests = webManifests();
  bot = await startBot(
    [
      {
        ...manifests,
        files: (manifests.files ?? []).map((file) =>
          file.path === ".github/gitops-image-bot.yml" ? { ...file, content: FREEZE_CONFIG } : file,
        ),
      },
      sourceRepo("web"),
    ],
    options,
  );
}

afterEach(async () => {
  delete process.env["ALERTMANAGER_WEBHOOK_SECRET"];
  await closeExpectingNoViolations(bot);
});

/** The fixture, with every alert `status` (or as `alerts` give them). */
function notification(status: "firing" | "resolved", alerts = FIXTURE.alerts): Notification {
  const copy = structuredClone({ ...FIXTURE, alerts }) as Notification;
  copy.status = status;
  for (const alert of copy.alerts) {
    alert.status = status;
    if (status === "resolved") alert["endsAt"] = "2026-03-02T10:01:55.113Z";
  }
  return copy;
}

const bearer = (secret = SECRET) => `Bearer ${secret}`;
const basic = (password: string) => `Basic ${Buffer.from(`alertmanager:${password}`).toString("base64")}`;

/** Posts as Alertmanager does and waits until the app has done what the notification asks. */
async function post(
  body: unknown,
  /** null: no Authorization header. */
  authorization: string | null = bearer(),
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${new URL(bot.webhookUrl).origin}/api/alertmanager`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "Alertmanager/0.28.1",
      ...(authorization === null ? {} : { authorization }),
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const answer = { status: response.status, body: (await response.json()) as Record<string, unknown> };
  await bot.idle();
  return answer;
}

async function state(): Promise<State> {
  const parsed = parseState((await bot.file("acme", "manifests", STATE_PATH)) ?? undefined);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.state;
}

async function build(): Promise<string> {
  const sha = await bot.commitSource("web");
  await bot.send("workflow_run", bot.workflowRun("web", sha));
  await bot.idle();
  return sha;
}

async function lastMessage(): Promise<string> {
  const [sha] = (await bot.appCommits()).slice(-1);
  return (await bot.repo("acme", "manifests").git.readCommit(sha!))!.message;
}

test("without ALERTMANAGER_WEBHOOK_SECRET the receiver is off: 404, whatever is sent", async () => {
  await start(undefined);
  expect(await post(notification("firing"), bearer())).toEqual({
    status: 404,
    body: { error: expect.stringContaining("is off: set ALERTMANAGER_WEBHOOK_SECRET") },
  });
  expect((await post(notification("firing"), null)).status).toBe(404);
  expect(await bot.appCommits()).toEqual([]);
});

test("a wrong or missing secret: 401, and nothing changes", async () => {
  await start(SECRET);
  for (const authorization of [
    null,
    bearer("wrong-secret-0123456789"),
    basic("wrong-secret-0123456789"),
    SECRET,
  ])
    expect(await post(notification("firing"), authorization)).toEqual({
      status: 401,
      body: { error: expect.stringContaining("Authorization: Bearer <secret>") },
    });
  expect(await bot.appCommits()).toEqual([]);
  expect((await state()).freezes).toEqual({});
});

test("a body that is no version 4 notification: 400 with the reason, and nothing changes", async () => {
  await start(SECRET);
  expect(await post({ ...notification("firing"), version: "3" })).toEqual({
    status: 400,
    body: { error: 'version: version must be "4" (Alertmanager\'s webhook payload version)' },
  });
  expect((await post("{ not json")).status).toBe(400);
  const noFingerprint = notification("firing");
  delete (noFingerprint.alerts[0] as Record<string, unknown>)["fingerprint"];
  expect((await post(noFingerprint)).body["error"]).toMatch(/^alerts\.0\.fingerprint: /);
  expect(await bot.appCommits()).toEqual([]);
});

test("a firing alert freezes prod with its summary and link; builds reach dev only; resolved lifts it", async () => {
  await start(`${OLD_SECRET},${SECRET}`);
  expect(await post(notification("firing"))).toEqual({
    status: 200,
    body: { status: "accepted", alerts: 1 },
  });
  expect((await state()).freezes).toEqual({
    prod: {
      by: "alertmanager",
      at: expect.any(String),
      reason: SUMMARY,
      alert: FINGERPRINT,
      url: FIXTURE.alerts[0]!["generatorURL"],
    },
  });
  expect(await lastMessage()).toContain(
    `freeze prod while alert ${FINGERPRINT} fires (by Alertmanager: ${SUMMARY} http://prometheus.monitoring.svc:9090/graph?`,
  );

  const during = await build();
  expect(await bot.deployed(DEV)).toBe(during);
  expect(await bot.deployed(PROD)).toBe(OLD);

  // The other secret of a rotation works as well.
  expect((await post(notification("resolved"), bearer(OLD_SECRET))).status).toBe(200);
  expect((await state()).freezes).toEqual({});
  expect(await lastMessage()).toMatch(new RegExp(`^unfreeze prod: alert ${FINGERPRINT} resolved`));

  const after = await build();
  expect(await bot.deployed(PROD)).toBe(after);
});

test("a person's /freeze is neither replaced by a firing alert nor lifted by its resolved", async () => {
  await start(SECRET);
  bot.setPermission("acme", "manifests", "alice", "write");
  const issue = (await bot.openIssue({ owner: "acme", name: "manifests", login: "alice", title: "ops" }))
    .number;
  await bot.comment({
    owner: "acme",
    name: "manifests",
    issueNumber: issue,
    login: "alice",
    body: "/freeze prod release week",
  });
  await bot.idle();
  const commits = (await bot.appCommits()).length;

  expect((await post(notification("firing"))).status).toBe(200);
  expect((await post(notification("resolved"))).status).toBe(200);
  expect((await state()).freezes["prod"]).toMatchObject({ by: "alice", reason: "release week" });
  expect((await state()).freezes["prod"]?.alert).toBeUndefined();
  expect(await bot.appCommits()).toHaveLength(commits);
  await build();
  expect(await bot.deployed(PROD)).toBe(OLD);
});

test("a flapping alert (firing, resolved, firing in one batch window) makes one commit; repeats make none", async () => {
  // The three notifications must land in one window: 2 s is far more than three local posts take.
  await start(SECRET, { batchWindowMs: 2000 });
  const url = `${new URL(bot.webhookUrl).origin}/api/alertmanager`;
  for (const status of ["firing", "resolved", "firing"] as const) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: bearer() },
      body: JSON.stringify(notification(status)),
    });
    expect(response.status).toBe(200);
  }
  await bot.idle();
  expect(await bot.appCommits()).toHaveLength(1);
  expect((await state()).freezes["prod"]).toMatchObject({ alert: FINGERPRINT });

  // Alertmanager repeats a firing group every repeat_interval: the freeze is already so.
  expect((await post(notification("firing"))).status).toBe(200);
  expect(await bot.appCommits()).toHaveLength(1);
});

test("a group of 50 alerts for one environment makes one commit", async () => {
  await start(SECRET);
  const alerts = Array.from({ length: 50 }, (_, i) => ({
    ...FIXTURE.alerts[0]!,
    labels: { ...FIXTURE.alerts[0]!.labels, pod: `checkout-${i}` },
    fingerprint: `${FINGERPRINT.slice(0, 13)}${String(i).padStart(3, "0")}`,
  }));
  expect((await post(notification("firing", alerts))).body).toEqual({ status: "accepted", alerts: 50 });
  expect(await bot.appCommits()).toHaveLength(1);
  expect((await state()).freezes["prod"]?.alert).toBe(alerts[0]!.fingerprint);
});

test("the gitops_image_bot_freeze label names the environments (basic auth); unknown names are ignored", async () => {
  await start(SECRET);
  const alert = {
    ...FIXTURE.alerts[0]!,
    labels: { alertname: "PaymentsLatency", team: "payments", gitops_image_bot_freeze: "prod, staging" },
    annotations: { summary: "payments p99 over 2s" },
    fingerprint: "0a1b2c3d4e5f6071",
  };
  expect((await post(notification("firing", [alert]), basic(SECRET))).status).toBe(200);
  expect((await state()).freezes).toEqual({
    prod: expect.objectContaining({
      by: "alertmanager",
      reason: "payments p99 over 2s",
      alert: "0a1b2c3d4e5f6071",
    }),
  });
  const sha = await build();
  expect(await bot.deployed(DEV)).toBe(sha);
  expect(await bot.deployed(PROD)).toBe(OLD);

  expect((await post(notification("resolved", [alert]), basic(SECRET))).status).toBe(200);
  expect((await state()).freezes).toEqual({});
});
