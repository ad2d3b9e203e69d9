import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, normalize, relative } from "node:path";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { gitText, runGit } from "../git/run-git.js";

/** A workload the manifests declare, with the images its containers run. */
export interface Workload {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly images: readonly string[];
}

export type RenderResult =
  | {
      readonly ok: true;
      readonly workloads: readonly Workload[];
      /** The rendered manifests (to tell whether a new revision changes what runs). */
      readonly manifests: string;
      /** Source types, as Argo CD names them: Kustomize, Helm, Directory. */
      readonly sourceType: "Kustomize" | "Helm" | "Directory";
      /** Repository-relative directories the render read (null: unknown, so any change may matter). */
      readonly inputs: readonly string[] | null;
    }
  | { readonly ok: false; readonly message: string };

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Writes the tree of `revision` into a new directory (no working tree is touched); the caller removes it. */
export async function checkout(gitDir: string, revision: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "argocd-twin-"));
  const index = join(dir, ".git-index");
  await runGit(gitDir, ["read-tree", revision], { env: { GIT_INDEX_FILE: index } });
  await mkdir(join(dir, "tree"));
  await runGit(gitDir, ["--work-tree", join(dir, "tree"), "checkout-index", "-a"], {
    env: { GIT_INDEX_FILE: index },
  });
  return dir;
}

export async function removeCheckout(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Files changed between two commits (repository-relative paths). */
export async function changedFiles(gitDir: string, from: string, to: string): Promise<string[]> {
  const text = await gitText(gitDir, ["diff", "--name-only", "--no-renames", from, to]);
  return text.split("\n").filter((line) => line !== "");
}

/** Resolves Argo CD's `targetRevision` (a branch, a tag, a SHA, HEAD) to a commit, or null. */
export async function resolveRevision(gitDir: string, targetRevision: string): Promise<string | null> {
  const candidates =
    targetRevision === "HEAD" || targetRevision === ""
      ? ["HEAD"]
      : [`refs/heads/${targetRevision}`, `refs/tags/${targetRevision}`, targetRevision];
  for (const candidate of candidates) {
    if (candidate.startsWith("-")) return null;
    const run = await runGit(gitDir, ["rev-parse", "--verify", "--quiet", `${candidate}^{commit}`], {
      okCodes: [1, 128],
    });
    if (run.code === 0) return run.stdout.toString("utf8").trim();
  }
  return null;
}

function kubectlKustomize(dir: string): Promise<{ ok: true; out: string } | { ok: false; err: string }> {
  return new Promise((resolve) => {
    execFile("kubectl", ["kustomize", dir], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) resolve({ ok: false, err: (stderr || error.message).trim() });
      else resolve({ ok: true, out: stdout });
    });
  });
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Every `image` of `containers` and `initContainers`, anywhere in a document. */
function containerImages(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) containerImages(item, out);
    return;
  }
  const object = record(value);
  if (!object) return;
  for (const [key, child] of Object.entries(object)) {
    if ((key === "containers" || key === "initContainers") && Array.isArray(child)) {
      for (const container of child) {
        const image = record(container)?.["image"];
        if (typeof image === "string") out.add(image);
      }
    } else containerImages(child, out);
  }
}

/** Workloads (documents whose containers run images) of a multi-document YAML text. */
export function workloadsOf(manifests: string): Workload[] {
  const workloads: Workload[] = [];
  for (const document of parseAllDocuments(manifests)) {
    if (document.errors.length > 0) throw new Error(document.errors[0]?.message ?? "invalid YAML");
    const object = record(document.toJS());
    const metadata = record(object?.["metadata"]);
    if (!object || typeof object["kind"] !== "string" || typeof metadata?.["name"] !== "string") continue;
    const images = new Set<string>();
    containerImages(object["spec"], images);
    if (images.size === 0) continue;
    const apiVersion = typeof object["apiVersion"] === "string" ? object["apiVersion"] : "v1";
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    workloads.push({
      group: group ?? "",
      version: version ?? "v1",
      kind: object["kind"],
      name: metadata["name"],
      ...(typeof metadata["namespace"] === "string" ? { namespace: metadata["namespace"] } : {}),
      images: [...images].sort(),
    });
  }
  return workloads;
}

/** Helm values' `image: { repository, tag }` convention, anywhere in the values. */
function helmImages(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) helmImages(item, out);
    return;
  }
  const object = record(value);
  if (!object) return;
  const image = record(object["image"]);
  if (
    image &&
    typeof image["repository"] === "string" &&
    image["tag"] !== undefined &&
    image["tag"] !== null
  ) {
    out.add(`${image["repository"]}:${String(image["tag"])}`);
  }
  for (const child of Object.values(object)) helmImages(child, out);
}

/** Repository-relative directories a kustomization reads (itself and its local resources, bases, components). */
async function kustomizeInputs(root: string, dir: string, seen: Set<string>): Promise<boolean> {
  const rel = relative(root, dir) || ".";
  if (rel.startsWith("..")) return false;
  if (seen.has(rel)) return true;
  seen.add(rel);
  const file = KUSTOMIZATION_FILES.map((name) => join(dir, name));
  let text: string | undefined;
  for (const path of file) text ??= await readFile(path, "utf8").catch(() => undefined);
  if (text === undefined) return true; // a plain directory of resources
  const doc = record(parseYaml(text));
  const references: unknown[] = [
    ...((doc?.["resources"] as unknown[]) ?? []),
    ...((doc?.["bases"] as unknown[]) ?? []),
    ...((doc?.["components"] as unknown[]) ?? []),
  ];
  for (const reference of references) {
    if (typeof reference !== "string") continue;
    if (/^[a-z]+:\/\//i.test(reference) || reference.startsWith("git@") || reference.includes("?ref="))
      return false;
    const target = normalize(join(dir, reference));
    const isDir = await stat(target).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (isDir) {
      if (!(await kustomizeInputs(root, target, seen))) return false;
    } else if (relative(root, dirname(target)).startsWith("..")) return false;
  }
  return true;
}

/** Argo CD's message for a manifest generation failure (ComparisonError), with the checkout's paths made relative. */
function generationError(command: string, detail: string, checkoutRoot: string): string {
  const cleaned = detail.replaceAll(`${checkoutRoot}/`, "").replaceAll(checkoutRoot, ".");
  return `Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = \`${command}\` failed exit status 1: ${cleaned}`;
}

/**
 * Renders `path` of a checked-out tree as Argo CD's repo server would: `kubectl kustomize` where a
 * kustomization is, Helm values' `image.repository`/`image.tag` where a Chart.yaml is, else the YAML files.
 */
export async function renderPath(checkoutDir: string, path: string): Promise<RenderResult> {
  const root = join(checkoutDir, "tree");
  const dir = normalize(join(root, path));
  if (relative(root, dir).startsWith("..") || !(await exists(dir))) {
    return {
      ok: false,
      message: `Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = ${path}: app path does not exist`,
    };
  }
  const kustomized = await Promise.all(KUSTOMIZATION_FILES.map((name) => exists(join(dir, name))));
  if (kustomized.some(Boolean)) {
    const rendered = await kubectlKustomize(dir);
    if (!rendered.ok)
      return { ok: false, message: generationError(`kustomize build ${path}`, rendered.err, root) };
    const seen = new Set<string>();
    const known = await kustomizeInputs(root, dir, seen);
    try {
      return {
        ok: true,
        workloads: workloadsOf(rendered.out),
        manifests: rendered.out,
        sourceType: "Kustomize",
        inputs: known ? [...seen] : null,
      };
    } catch (error) {
      return {
        ok: false,
        message: generationError(`kustomize build ${path}`, (error as Error).message, root),
      };
    }
  }
  const files = (await readdir(dir)).sort();
  if (files.includes("Chart.yaml")) {
    const chart = record(parseYaml(await readFile(join(dir, "Chart.yaml"), "utf8")));
    const valuesText = files.includes("values.yaml") ? await readFile(join(dir, "values.yaml"), "utf8") : "";
    const images = new Set<string>();
    helmImages(parseYaml(valuesText), images);
    const name = typeof chart?.["name"] === "string" ? chart["name"] : (path.split("/").pop() ?? "chart");
    const workloads: Workload[] =
      images.size === 0
        ? []
        : [{ group: "apps", version: "v1", kind: "Deployment", name, images: [...images].sort() }];
    return {
      ok: true,
      workloads,
      manifests: valuesText,
      sourceType: "Helm",
      inputs: [relative(root, dir) || "."],
    };
  }
  let manifests = "";
  for (const file of files.filter((name) => /\.(ya?ml|json)$/.test(name))) {
    manifests += `---\n${await readFile(join(dir, file), "utf8")}\n`;
  }
  try {
    return {
      ok: true,
      workloads: workloadsOf(manifests),
      manifests,
      sourceType: "Directory",
      inputs: [relative(root, dir) || "."],
    };
  } catch (error) {
    return {
      ok: false,
      message: `Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = ${(error as Error).message}`,
    };
  }
}

/** Whether a change to these files can change what `inputs` render (null inputs: any change can). */
export function touches(files: readonly string[], inputs: readonly string[] | null): boolean {
  if (inputs === null) return files.length > 0;
  return files.some((file) => inputs.some((dir) => dir === "." || file.startsWith(`${dir}/`)));
}
