import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface CorpusFile {
  /** Where the copy lives here, and where it came from (repository, path, commit). */
  readonly local: string;
  readonly kind: "kustomize" | "helm" | "manifests";
  readonly origin: string;
  readonly text: string;
}

/** Real files written by other people, copied with their provenance (`<kind>/INDEX.tsv`). */
export const CORPUS_ROOT = join(process.cwd(), "test", "fixtures", "corpus");

export function corpusFiles(): CorpusFile[] {
  const root = CORPUS_ROOT;
  return (["kustomize", "helm", "manifests"] as const).flatMap((kind) => {
    const index = join(root, kind, "INDEX.tsv");
    return readFileSync(index, "utf8")
      .split("\n")
      .slice(1)
      .filter((line) => line.trim() !== "")
      .map((line) => {
        const [file = "", repo, path, commit] = line.split("\t");
        const local = join(root, kind, file);
        return {
          local,
          kind,
          origin: `${repo}/${path}@${commit?.slice(0, 7)}`,
          text: readFileSync(local, "utf8"),
        };
      });
  });
}
