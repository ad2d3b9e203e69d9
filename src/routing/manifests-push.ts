import { repoKey } from "../adapters/github/octokit.js";
import type { AppIdentity } from "../services/app-identity.js";
import type { ManifestIndex } from "../services/manifest-index.js";

interface PushLike {
  repository?: { name?: string; owner?: { login?: string } | null } | null;
  sender?: { login?: string } | null;
}

/**
 * A push by someone other than the app (a person adding an overlay, another tool): what the index knows
 * of that repository's tree may be out of date, so it is forgotten (the next batch lists the tree again).
 * The app's own commits keep it: the index derived their trees itself. Failing to learn the app's name
 * forgets too, which only costs a listing.
 */
export async function forgetOnForeignPush(
  index: ManifestIndex,
  identity: () => Promise<AppIdentity>,
  payload: PushLike,
): Promise<void> {
  const owner = payload.repository?.owner?.login;
  const name = payload.repository?.name;
  if (owner === undefined || name === undefined) return;
  const slug = await identity().then(
    (found) => found.slug,
    () => undefined,
  );
  const sender = payload.sender?.login?.toLowerCase();
  if (slug !== undefined && sender === `${slug}[bot]`.toLowerCase()) return;
  await index.forget(repoKey({ owner, name }));
}
