import { normalizeImageName } from "../core/image-ref/normalize-image-name.js";
import type { Config, SourceConfig, SourceImage } from "./config.js";
import { matchSource } from "./match-source.js";
import { fillImageTemplate } from "./image-template.js";

/** The source repository that builds an image, the config entry that deploys it, and which of its images it is. */
export interface ImageSource {
  readonly source: SourceConfig;
  readonly owner: string;
  readonly repo: string;
  /** The entry of `source.images` that renders the image (a monorepo's one image, with its workflows). */
  readonly entry: SourceImage;
}

const GLOB = /[*?[\]{}!]/;
const PART = { owner: "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?", repo: "[a-z0-9._-]+" };

/**
 * Which source repository builds `image`: the image template read backwards (`ghcr.io/{owner}/{repo}`
 * against `ghcr.io/acme/web` gives acme/web). A placeholder the template lacks comes from a literal
 * part of the source's repository globs (`acme/*` gives the owner acme). The repository found must be
 * one that the config deploys with that very entry (first match wins) and render the same image, so a
 * name is never guessed. Every image of a monorepo source (`images`) is tried, in the config's order.
 * Names are lower case, as images are; GitHub ignores case in repository names.
 * A source on another host (`source.host`) is found too: callers ask GitHub nothing about it.
 */
export function sourceForImage(config: Config, image: string): ImageSource | undefined {
  const wanted = normalizeImageName(image.toLowerCase());
  for (const source of config.sources) {
    for (const entry of source.images) {
      for (const candidate of candidates(source, entry.image, wanted)) {
        if (matchSource(config, `${candidate.owner}/${candidate.repo}`, source.host) !== source) continue;
        if (normalizeImageName(fillImageTemplate(entry.image, candidate.owner, candidate.repo)) !== wanted)
          continue;
        return { source, ...candidate, entry };
      }
    }
  }
  return undefined;
}

function candidates(
  source: SourceConfig,
  imageTemplate: string,
  image: string,
): { owner: string; repo: string }[] {
  const template = normalizeTemplate(imageTemplate);
  const names: ("owner" | "repo")[] = [];
  const pattern = template
    .split(/(\{owner\}|\{repo\})/)
    .map((piece) => {
      if (piece === "{owner}" || piece === "{repo}") {
        const name = piece === "{owner}" ? "owner" : "repo";
        if (names.includes(name)) return `\\k<${name}>`;
        names.push(name);
        return `(?<${name}>${PART[name]})`;
      }
      return piece.toLowerCase().replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    })
    .join("");
  const match = new RegExp(`^${pattern}$`).exec(image);
  if (!match) return [];
  const found = match.groups ?? {};
  const literal = source.repositories.flatMap((glob) => {
    const [owner = "", repo = ""] = glob.toLowerCase().split("/");
    return [{ owner: GLOB.test(owner) ? undefined : owner, repo: GLOB.test(repo) ? undefined : repo }];
  });
  const result: { owner: string; repo: string }[] = [];
  for (const entry of literal) {
    const owner = found["owner"] ?? entry.owner;
    const repo = found["repo"] ?? entry.repo;
    if (owner !== undefined && repo !== undefined) result.push({ owner, repo });
  }
  if (found["owner"] !== undefined && found["repo"] !== undefined)
    result.push({ owner: found["owner"], repo: found["repo"] });
  return result;
}

/** The template in the normalized form images are compared in (`{repo}` alone means docker.io/library). */
function normalizeTemplate(template: string): string {
  const sample = normalizeImageName(fillImageTemplate(template, "owner-sample", "repo-sample"));
  return sample.replaceAll("owner-sample", "{owner}").replaceAll("repo-sample", "{repo}");
}
