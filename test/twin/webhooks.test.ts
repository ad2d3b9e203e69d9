import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verify } from "@octokit/webhooks-methods";
import { closeExpectingNoViolations, startTwin, type TwinFixture } from "./twin-fixture.js";
import { examplePayload } from "../../twin/examples.js";

interface Received {
  event: string;
  delivery: string;
  verified: boolean;
  payload: Record<string, unknown>;
}

let fx: TwinFixture;
let receiver: Server;
const received: Received[] = [];
const SECRET = "a-webhook-secret";

beforeEach(async () => {
  received.length = 0;
  fx = await startTwin();
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      void verify(SECRET, body, String(request.headers["x-hub-signature-256"])).then((verified) => {
        received.push({
          event: String(request.headers["x-github-event"]),
          delivery: String(request.headers["x-github-delivery"]),
          verified,
          payload: JSON.parse(body) as Record<string, unknown>,
        });
        response.writeHead(200).end();
      });
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  fx.app.webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
  fx.app.webhookSecret = SECRET;
});

afterEach(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await closeExpectingNoViolations(fx);
});

test("merging a pull request sends signed push and pull_request closed (merged) webhooks", async () => {
  const repo = { owner: "acme", repo: "manifests" };
  const head = await fx.twin.store.commitFiles(
    fx.repo,
    "gitops/dev/web",
    [{ path: "a.txt", content: "a\n" }],
    "edit",
  );
  const { data: pr } = await fx.octokit.rest.pulls.create({
    ...repo,
    head: "gitops/dev/web",
    base: "main",
    title: "web",
  });
  const { data: merge } = await fx.octokit.rest.pulls.merge({ ...repo, pull_number: pr.number, sha: head });
  await fx.twin.webhooks.settled();

  expect(received.every((r) => r.verified)).toBe(true);
  expect(new Set(received.map((r) => r.delivery)).size).toBe(received.length);
  const summary = received.map(
    (r) => `${r.event}${r.payload["action"] ? `.${String(r.payload["action"])}` : ""}`,
  );
  expect(summary).toEqual(["pull_request.opened", "push", "pull_request.closed"]);

  const push = received[1]!.payload;
  expect(push).toMatchObject({
    ref: "refs/heads/main",
    after: merge.sha,
    installation: { id: fx.installation.id },
  });
  expect((push["head_commit"] as { id: string }).id).toBe(merge.sha);
  const closed = received[2]!.payload;
  expect(closed["pull_request"]).toMatchObject({
    number: pr.number,
    merged: true,
    merge_commit_sha: merge.sha,
  });
});

test("deliver() sends a real example payload with a given delivery id, as a redelivery does", async () => {
  const payload = {
    ...examplePayload("workflow_run", "completed"),
    installation: { id: fx.installation.id },
  };
  const first = await fx.twin.deliver(fx.app, "workflow_run", payload, "delivery-1");
  const again = await fx.twin.deliver(fx.app, "workflow_run", payload, "delivery-1");
  expect([first.status, again.status]).toEqual([200, 200]);
  expect(received.map((r) => [r.event, r.delivery, r.verified])).toEqual([
    ["workflow_run", "delivery-1", true],
    ["workflow_run", "delivery-1", true],
  ]);
});
