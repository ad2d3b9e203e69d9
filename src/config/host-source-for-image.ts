import { normalizeImageName } from "../core/image-ref/normalize-image-name.js";
import type { Config, SourceConfig } from "./config.js";
import { fillImageTemplate } from "./image-template.js";

/**
 * The first source on another host (`host` set: GitLab, Bitbucket) one of whose image templates could
 * render `image` (`{owner}` may be a nested group path there). Used only to say why such an image's
 * registry push cannot deploy: the push names no branch and GitHub cannot tell one for that host.
 */
export function hostSourceForImage(config: Config, image: string): SourceConfig | undefined {
  const wanted = normalizeImageName(image.toLowerCase());
  return config.sources.find(
    (source) =>
      source.host !== undefined && source.images.some((entry) => templatePattern(entry.image).test(wanted)),
  );
}

function templatePattern(template: string): RegExp {
  const sample = normalizeImageName(fillImageTemplate(template, "owner-sample", "repo-sample"));
  const pattern = sample
    .split(/(owner-sample|repo-sample)/)
    .map((piece) =>
      piece === "owner-sample"
        ? "[a-z0-9._/-]+"
        : piece === "repo-sample"
          ? "[a-z0-9._-]+"
          : piece.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${pattern}$`);
}
