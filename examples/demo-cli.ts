// `npm run demo:cli`: the set-image command on a copy of examples/manifests, with no GitHub account.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const bin = join(process.cwd(), "dist", "cli.js");
const work = mkdtempSync(join(tmpdir(), "gitops-image-bot-demo-"));
cpSync(join(process.cwd(), "examples", "manifests"), work, { recursive: true });

function step(title: string, args: string[]): void {
  console.log(`\n$ gitops-image-bot ${args.join(" ")}    # ${title}`);
  try {
    process.stdout.write(
      execFileSync(process.execPath, [bin, ...args], {
        cwd: work,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      }),
    );
  } catch (error) {
    console.log(`(exit code ${(error as { status: number }).status})`);
  }
}

const kustomization = "apps/payments/overlays/prod/kustomization.yaml";
const values = "charts/checkout/values-prod.yaml";
step("preview: an all-digit SHA gets quoted, the stale digest goes", [
  "set-image",
  "--dry-run",
  kustomization,
  "payments-api:1234567",
]);
step("write it", ["set-image", kustomization, "payments-api:1234567"]);
step("the same again: already up to date", ["set-image", kustomization, "payments-api:1234567"]);
step("Helm values: the block and the image string", ["set-image", values, "ghcr.io/acme/checkout:1.5.0"]);
step("an image the file does not use: exit code 3", ["set-image", values, "ghcr.io/acme/other:1.0.0"]);
step("a bad reference: exit code 2", ["set-image", values, "ghcr.io/acme/checkout:bad tag"]);

console.log(`\n--- ${kustomization} now ---\n${readFileSync(join(work, kustomization), "utf8")}`);
try {
  const rendered = execFileSync("kubectl", ["kustomize", join(work, "apps/payments/overlays/prod")], {
    encoding: "utf8",
  });
  console.log(
    `--- what Argo CD would deploy (kubectl kustomize) ---\n${rendered
      .split("\n")
      .filter((line) => line.includes("image:"))
      .join("\n")}`,
  );
} catch {
  console.log("(kubectl is not installed: skipping the render)");
}
rmSync(work, { recursive: true, force: true });
