/**
 * A complete configuration that shows every key. docs/configuration.md embeds it and a test parses
 * it, so the documented example always passes validation.
 */
export const EXAMPLE_CONFIG = `# .github/gitops-image-bot.yml in the manifests repository
sources:
  # The first matching entry wins: the specific one comes before the catch-all.
  - repositories: [acme/payments]
    triggers: [package]
    image: registry.example.com/payments/{repo}
    tag: "{sha}"
  - repositories: ["acme/*"]
    triggers: [workflow_run]
    workflows: [.github/workflows/build.yml, .github/workflows/release.yml]
    events: [push, workflow_dispatch]
    image: ghcr.io/{owner}/{repo}
    tag: sha-{sha:7}

environments:
  dev:
    # Builds of any branch, committed straight to the manifests branch.
    paths: ["apps/*/overlays/dev/**"]
    mode: commit
    branches: ["**"]
  qa:
    # Builds of the default branch, through a pull request that merges itself once checks pass.
    paths: ["apps/*/overlays/qa/**"]
    mode: auto-merge
    mergeMethod: squash
  prod:
    # Builds of main only, through a pull request someone reviews and merges.
    paths: ["apps/*/overlays/prod/**", "clusters/prod/**"]
    mode: pull-request
    branches: [main]
    mergeMethod: merge

branch: main
batchWindowSeconds: 5
report:
  statuses: true
  deployments: true
reconcile:
  intervalMinutes: 10 # compare with the newest builds and repair drift, every 10 minutes
  requestBudget: 100
  dashboard: true # the "gitops-image-bot dashboard" issue
`;
