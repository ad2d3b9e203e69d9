import { fullName } from "../plan/build.js";
import type { PullRequestChange } from "../plan/plan-batch.js";
import { shortSha } from "./short-sha.js";

/** The head branch of the living pull request of one (environment, image): stable across builds. */
export function pullRequestBranch(environment: string, image: string): string {
  return `gitops-image-bot/${environment}/${image.replace(/[^A-Za-z0-9._-]+/g, "-")}`;
}

function label(image: string): string {
  return image.slice(image.lastIndexOf("/") + 1);
}

function tagText(tag: string, sha: string | undefined): string {
  return tag.length > 20 ? shortSha(sha ?? tag) : tag;
}

/** Title and body of a living pull request, rendered from its change: what, from which build to which, links. */
export function pullRequestText(change: PullRequestChange): { title: string; body: string } {
  const { wanted } = change;
  const repo = wanted.build.repository;
  const title = `deploy ${label(wanted.image)} ${tagText(wanted.tag, wanted.build.sha)} to ${change.environment}`;
  const rows = change.updates.map((update) => {
    const compare =
      update.fromSha && wanted.build.sha
        ? ` ([changes](${repo.htmlUrl}/compare/${update.fromSha}...${wanted.build.sha}))`
        : "";
    return `| \`${update.path}\` | \`${update.fromTag ?? "(none)"}\` | \`${wanted.tag}\`${compare} |`;
  });
  const source = wanted.build.sha
    ? `[${fullName(repo)}@${shortSha(wanted.build.sha)}](${repo.htmlUrl}/commit/${wanted.build.sha})`
    : fullName(repo);
  const body = [
    `Deploys \`${wanted.image}:${wanted.tag}\`${wanted.digest ? ` (\`${wanted.digest}\`)` : ""} to **${change.environment}**, built from ${source}${wanted.build.branch ? ` on \`${wanted.build.branch}\`` : ""}.`,
    "",
    "| file | from | to |",
    "| --- | --- | --- |",
    ...rows,
    "",
    ...(wanted.build.url ? [`Build: ${wanted.build.url}`, ""] : []),
    "A newer build of this image updates this pull request; it closes itself when the change reaches the base another way.",
    "",
    `<!-- gitops-image-bot: ${change.environment} ${wanted.image} -->`,
  ].join("\n");
  return { title, body };
}
