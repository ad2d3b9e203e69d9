import { ProbotOctokit } from "probot";
import { Twin } from "../../twin/twin.js";
import { throwawayKeyPair } from "../../twin/keys.js";
import type { AppRecord, InstallationRecord, RepoRecord } from "../../twin/state.js";
import type { CreateRepoInput } from "../../twin/store.js";

export type Octokit = InstanceType<typeof ProbotOctokit>;

export interface TwinFixture {
  readonly twin: Twin;
  readonly app: AppRecord;
  readonly installation: InstallationRecord;
  readonly repo: RepoRecord;
  /** An installation-authenticated client, as the app's handlers get it (retries and throttling off). */
  readonly octokit: Octokit;
  /** An app-authenticated client (JWT). */
  readonly appOctokit: Octokit;
  close(): Promise<void>;
}

export const DEFAULT_FILES = [
  { path: "README.md", content: "# manifests\n" },
  {
    path: "apps/web/overlays/dev/kustomization.yaml",
    content:
      "resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/web\n    newTag: 1111111111111111111111111111111111111111\n",
  },
];

export function octokitFor(twin: Twin, auth: Record<string, unknown>): Octokit {
  const Client = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
    ...options,
    retry: { enabled: false },
    throttle: { enabled: false },
  }));
  return new Client({ auth, baseUrl: twin.urls.api, log: { debug() {}, info() {}, warn() {}, error() {} } });
}

/** A listening twin with one org (acme), one installed app and one repository (acme/manifests). */
export async function startTwin(repo: Partial<CreateRepoInput> = {}): Promise<TwinFixture> {
  const twin = await Twin.create();
  await twin.listen();
  const keys = throwawayKeyPair();
  const app = twin.store.createApp({
    id: 4242,
    slug: "gitops-image-bot",
    owner: "acme",
    publicKeyPem: keys.publicKey,
  });
  const record = await twin.store.createRepo({
    owner: "acme",
    name: "manifests",
    files: DEFAULT_FILES,
    ...repo,
  });
  const installation = twin.store.install(app.id, "acme");
  const token = twin.store.issueToken(installation.id).token;
  return {
    twin,
    app,
    installation,
    repo: record,
    octokit: octokitFor(twin, { type: "token", token }),
    appOctokit: octokitFor(twin, { appId: app.id, privateKey: keys.privateKey }),
    close: () => twin.close(),
  };
}

/** Closes the twin, then fails the test if it recorded any violation (an unserved route, a schema mismatch). */
export async function closeExpectingNoViolations(fx: TwinFixture): Promise<void> {
  const violations = [...fx.twin.violations];
  await fx.close();
  expect(violations).toEqual([]);
}
