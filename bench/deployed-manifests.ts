// The manifests repository of the reconciliation and Argo CD poll benchmarks: 300 services x dev/qa/prod,
// every overlay already running its service's newest build (the fixture's made-up tags become commits).
import type { TwinStore } from "../twin/store.js";
import { manifestsRepoFiles } from "../twin/fixtures/manifests-repo.js";
import { CONFIG, ENVIRONMENTS } from "./app.bench.js";

/** Creates acme/manifests with each service's overlays at `deployed.get(service)`; returns its files. */
export async function createDeployedManifests(
  store: TwinStore,
  services: number,
  deployed: ReadonlyMap<string, string>,
): Promise<number> {
  const files = manifestsRepoFiles({ services, environments: ENVIRONMENTS }).map((file) => {
    const service = /^apps\/([^/]+)\/overlays\//.exec(file.path)?.[1];
    const sha = service === undefined ? undefined : deployed.get(service);
    return sha === undefined
      ? file
      : { ...file, content: String(file.content).replace(/newTag: "[0-9a-f]{40}"/, `newTag: "${sha}"`) };
  });
  await store.createRepo({
    owner: "acme",
    name: "manifests",
    files: [{ path: ".github/gitops-image-bot.yml", content: CONFIG }, ...files],
  });
  return files.length;
}
