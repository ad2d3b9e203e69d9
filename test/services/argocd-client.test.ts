import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ArgocdClient } from "../../src/adapters/argocd/argocd-client.js";

let server: Server;

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test("an Argo CD that does not answer is given up after the timeout", async () => {
  const url = await serve(() => undefined);
  const client = new ArgocdClient({ server: url, token: "t", timeoutMs: 300 });
  expect(await client.listApplications("https://github.com/acme/manifests.git")).toEqual({
    ok: false,
    reason: "no answer within 300 ms",
  });
});

test.each([
  ["not JSON", "<html>login</html>", "the answer is not JSON"],
  ["not a list", JSON.stringify({ items: "none" }), "the answer is not an application list (items:"],
])("an answer that is %s is a reason, not a throw", async (_name, body, reason) => {
  const url = await serve((_req, res) => res.writeHead(200).end(body));
  const read = await new ArgocdClient({ server: url, token: "t" }).listApplications(undefined);
  expect(read.ok).toBe(false);
  if (!read.ok) expect(read.reason).toContain(reason);
});

test.each([
  ["declared", true, "the answer declares 5014 bytes, more than 1000"],
  ["sent in chunks", false, "the answer is larger than 1000 bytes"],
])("an answer larger than the limit (%s) is not read", async (_name, declared, reason) => {
  const body = JSON.stringify({ items: ["x".repeat(5000)] });
  const url = await serve((_req, res) => {
    if (declared) res.setHeader("content-length", Buffer.byteLength(body));
    res.writeHead(200);
    res.write(body.slice(0, 2000));
    res.end(body.slice(2000));
  });
  const read = await new ArgocdClient({ server: url, token: "t", maxBytes: 1000 }).listApplications(
    undefined,
  );
  expect(read).toEqual({ ok: false, reason });
});
