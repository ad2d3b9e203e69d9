import type { ApplicationFunction } from "probot";
import { setImages } from "../../src/core/index.js";

/**
 * A deliberately small app for the harness's smoke test (the real app arrives in src/ with #4): on a
 * successful `workflow_run`, it writes the build's SHA into one kustomization of acme/manifests with
 * one GraphQL read and one createCommitOnBranch.
 */
export const SMOKE_FILE = "apps/web/overlays/dev/kustomization.yaml";

const READ = `query($owner: String!, $expression: String!) {
  repository(owner: $owner, name: "manifests") {
    ref(qualifiedName: "refs/heads/main") { target { oid } }
    object(expression: $expression) { ... on Blob { text } }
  }
}`;

const WRITE = `mutation($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid } }
}`;

interface Read {
  repository: { ref: { target: { oid: string } }; object: { text: string } | null };
}

export const smokeApp: ApplicationFunction = (app) => {
  app.on("workflow_run.completed", async (context) => {
    const run = context.payload.workflow_run;
    if (run.conclusion !== "success") return;
    const owner = context.payload.repository.owner.login;
    const image = `ghcr.io/${context.payload.repository.full_name.toLowerCase()}`;
    const read = await context.octokit.graphql<Read>(READ, { owner, expression: `main:${SMOKE_FILE}` });
    const text = read.repository.object?.text;
    if (text === undefined) return;
    const result = setImages({ path: SMOKE_FILE, text, updates: [{ name: image, newTag: run.head_sha }] });
    if (!result.ok || !result.changed) return;
    await context.octokit.graphql(WRITE, {
      input: {
        branch: { repositoryNameWithOwner: `${owner}/manifests`, branchName: "main" },
        expectedHeadOid: read.repository.ref.target.oid,
        message: {
          headline: `${image}: deploy ${run.head_sha.slice(0, 7)}`,
          body: `Source: ${context.payload.repository.full_name}@${run.head_sha}`,
        },
        fileChanges: {
          additions: [{ path: SMOKE_FILE, contents: Buffer.from(result.text).toString("base64") }],
        },
      },
    });
  });
};
