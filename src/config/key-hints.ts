/** A line to copy for a key that is missing or empty, e.g. for `repositories`. */
export function keyExample(key: string, placeholder: string): string {
  return Object.hasOwn(EXAMPLES, key) ? (EXAMPLES[key] ?? "") : `${key}: ${placeholder}`;
}

/** ", or remove the key to use the default [push]" for a key with a default, else "". */
export function orRemoveKey(key: string): string {
  return Object.hasOwn(WITHOUT, key) ? `, or remove the key to ${WITHOUT[key] ?? ""}` : "";
}

/** A line to copy for each key whose absence or emptiness is a problem. */
const EXAMPLES: Readonly<Record<string, string>> = {
  sources: 'sources: [{ repositories: ["acme/*"] }]',
  environments: 'environments: { prod: { paths: ["apps/*/overlays/prod/**"] } }',
  repositories: 'repositories: ["acme/*"]',
  paths: 'paths: ["apps/*/overlays/prod/**"]',
  triggers: "triggers: [workflow_run]",
  events: "events: [push]",
  branches: "branches: [main]",
};

/** What removing an optional key gives. */
const WITHOUT: Readonly<Record<string, string>> = {
  triggers: "use the default [workflow_run]",
  events: "use the default [push]",
  branches: "allow only the default branch",
  image: "use the default ghcr.io/{owner}/{repo}",
  tag: "use the default {sha}",
  branch: "write to the default branch",
  _extends: "extend nothing",
};
