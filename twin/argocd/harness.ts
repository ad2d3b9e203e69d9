import type { TwinStore } from "../store.js";
import { ArgoCdTwin, type ArgoCdTwinOptions } from "./argocd-twin.js";

/**
 * Starts an Argo CD twin beside a GitHub twin: its applications follow the GitHub twin's repositories
 * (`createApplication({ repo: "acme/manifests", ... })`), its API listens on `port` (default: a free
 * one; give one to tell an app its ARGOCD_SERVER before the twin starts).
 */
export async function startArgoCdTwin(
  github: { readonly store: TwinStore },
  { port, ...options }: Omit<ArgoCdTwinOptions, "gitDir"> & { readonly port?: number } = {},
): Promise<ArgoCdTwin> {
  const argocd = new ArgoCdTwin({
    ...options,
    gitDir: (repo) => {
      const [owner = "", name = ""] = repo.split("/");
      return github.store.findRepo(owner, name)?.git.dir;
    },
  });
  await argocd.listen(port);
  return argocd;
}
