import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Twin } from "../../twin/twin.js";
import type { RepoRecord } from "../../twin/state.js";
import { manifestsRepoFiles } from "../../twin/fixtures/manifests-repo.js";
import { startArgoCdTwin } from "../../twin/argocd/harness.js";
import type { ArgoCdTwin, ArgoCdTwinOptions } from "../../twin/argocd/argocd-twin.js";

export interface ArgoFixture {
  readonly github: Twin;
  readonly manifests: RepoRecord;
  readonly argocd: ArgoCdTwin;
  /** Commits files on main of acme/manifests, as the app (or a person) would. */
  push(files: ReadonlyArray<{ path: string; content: string | null }>): Promise<string>;
  close(): Promise<void>;
}

/** A new tag in an overlay of the seeded manifests repository (web, api: `ghcr.io/acme/<name>`). */
export function overlay(name: string, env: string, tag: string): { path: string; content: string } {
  return {
    path: `apps/${name}/overlays/${env}/kustomization.yaml`,
    content: `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${env}\nresources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/${name}\n    newTag: "${tag}"\n`,
  };
}

/** A GitHub twin with acme/manifests (web and api, dev and prod) and an Argo CD twin beside it, polling by hand. */
export async function startArgo(options: Omit<ArgoCdTwinOptions, "gitDir"> = {}): Promise<ArgoFixture> {
  const github = await Twin.create();
  await github.listen();
  const manifests = await github.store.createRepo({
    owner: "acme",
    name: "manifests",
    files: manifestsRepoFiles({ services: 2, environments: ["dev", "prod"] }),
  });
  const argocd = await startArgoCdTwin(github, { pollMs: 0, syncDelayMs: 0, healthDelayMs: 0, ...options });
  return {
    github,
    manifests,
    argocd,
    push: (files) => github.store.commitFiles(manifests, "main", files, "a change"),
    close: async () => {
      await argocd.close();
      await github.close();
    },
  };
}

export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** An HTTP receiver (the app's /api/argocd, as far as these tests go) answering with `statuses` in turn, then 200. */
export async function startReceiver(
  statuses: number[] = [],
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      response.writeHead(statuses.shift() ?? 200).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/argocd`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const SHA_A = "a".repeat(40);
export const SHA_B = "b".repeat(40);
