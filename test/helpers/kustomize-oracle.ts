import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

function hasKubectl(): boolean {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export const KUBECTL = hasKubectl();

/**
 * What Argo CD would deploy: renders `imagesBlock` (the `images:` text cut from a kustomization) over a
 * Deployment with one container per image, with `kubectl kustomize`, and returns the rendered images.
 */
export function renderImages(imagesBlock: string, containerImages: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "kustomize-oracle-"));
  try {
    const containers = containerImages.map(
      (image, index) => `      - name: c${index}\n        image: ${JSON.stringify(image)}\n`,
    );
    const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: oracle\nspec:\n  template:\n    spec:\n      containers:\n${containers.join("")}`;
    writeFileSync(join(dir, "deployment.yaml"), deployment);
    writeFileSync(join(dir, "kustomization.yaml"), `resources:\n- deployment.yaml\n${imagesBlock}`);
    const output = execFileSync("kubectl", ["kustomize", dir], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const [doc] = parseAllDocuments(output);
    const rendered = doc?.toJS() as { spec: { template: { spec: { containers: { image: string }[] } } } };
    return rendered.spec.template.spec.containers.map((container) => container.image);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `kubectl kustomize DIR`: what Argo CD would render for a kustomization directory. */
export function kustomizeBuild(dir: string): string {
  return execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
