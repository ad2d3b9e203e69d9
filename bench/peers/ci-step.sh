#!/usr/bin/env bash
# The CI-step peer: what teams run today as the last step of a build job. It clones the manifests
# repository (shallow, as a CI job does), writes the new tag into the service's overlays with sed,
# commits and pushes; a rejected push (someone pushed in between) is retried three times, each after
# a fetch and a rebase onto what is there now.
# Environment: REPO_URL (the manifests repository), SERVICE (apps/<SERVICE>), TAG (the new image tag).
set -euo pipefail
: "${REPO_URL:?}" "${SERVICE:?}" "${TAG:?}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet --depth 1 --branch main "$REPO_URL" "$work/manifests"
cd "$work/manifests"
git config user.name "ci"
git config user.email "ci@example.com"

sed -i -E "s|^( *newTag: ).*|\1\"$TAG\"|" apps/"$SERVICE"/overlays/*/kustomization.yaml
git commit --quiet --all --message "deploy $SERVICE $TAG"

retries=3
for attempt in $(seq 0 "$retries"); do
  if git push --quiet origin HEAD:main; then
    echo "pushed after $attempt retries"
    exit 0
  fi
  if [ "$attempt" -lt "$retries" ]; then
    git fetch --quiet origin main
    git rebase --quiet origin/main
  fi
done
echo "push rejected $((retries + 1)) times" >&2
exit 1
