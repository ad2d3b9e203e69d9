import type { RepoId } from "../adapters/github/octokit.js";

/**
 * Who the app is on GitHub, to tell its own pull requests from anyone else's. REST and webhooks name an
 * app's bot `<slug>[bot]` (type `Bot`); GraphQL names the same `Bot` `<slug>`, without `[bot]`.
 */
export interface AppIdentity {
  readonly slug: string;
}

/** The part of the app's JWT-authenticated Octokit (`app.auth()` without an installation) used here. */
export interface AppIdentityClient {
  readonly rest: {
    readonly apps: { getAuthenticated(): Promise<{ data: { slug?: string } | null }> };
  };
}

/** Where the fleet keeps the app's slug (src/runtime/redis-slug-store.ts): one `GET /app` for all replicas. */
export interface SlugStore {
  get(): Promise<string | undefined>;
  put(slug: string): Promise<void>;
}

/**
 * The app's identity from `GET /app`, asked once and kept; a failed ask is asked again next time (a
 * caller that cannot know whose pull request it sees fails instead of guessing). With a `store`, the
 * slug another replica asked for is used (a store that does not answer only costs the ask).
 */
export function appIdentity(
  client: () => Promise<AppIdentityClient>,
  store?: SlugStore,
): () => Promise<AppIdentity> {
  let known: Promise<AppIdentity> | undefined;
  const ask = async (): Promise<AppIdentity> => {
    const { data } = await (await client()).rest.apps.getAuthenticated();
    if (!data?.slug) throw new Error("GET /app answered without the app's slug");
    await store?.put(data.slug).catch(() => undefined);
    return { slug: data.slug };
  };
  return () => {
    known ??= (async () => {
      const kept = await store?.get().catch(() => undefined);
      return kept === undefined ? ask() : { slug: kept };
    })();
    known.catch(() => (known = undefined));
    return known;
  };
}

/** A pull request as GraphQL gives it: `headRepository { nameWithOwner }`, `author { __typename login }`. */
export interface GraphqlPullOwner {
  readonly headRepository: { readonly nameWithOwner: string } | null;
  readonly author: { readonly __typename: string; readonly login: string } | null;
}

/** A pull request as REST gives it: `head.repo.full_name`, `user { login type }`. */
export interface RestPullOwner {
  readonly head: { readonly repo: { readonly full_name: string } | null };
  readonly user: { readonly login: string; readonly type: string } | null;
}

const sameRepo = (name: string | undefined, repo: RepoId): boolean =>
  name !== undefined && name.toLowerCase() === `${repo.owner}/${repo.name}`.toLowerCase();

/**
 * Whether a pull request of `repo` is the app's own: its branch lives in `repo` itself (not a fork, whose
 * branch may have the app's branch name) and the app opened it (not a person, even one who may push).
 */
export function isOwnGraphqlPull(pull: GraphqlPullOwner, repo: RepoId, app: AppIdentity): boolean {
  return (
    sameRepo(pull.headRepository?.nameWithOwner, repo) &&
    pull.author?.__typename === "Bot" &&
    pull.author.login.toLowerCase() === app.slug.toLowerCase()
  );
}

/** The same rule for a pull request as REST gives it. */
export function isOwnRestPull(pull: RestPullOwner, repo: RepoId, app: AppIdentity): boolean {
  return (
    sameRepo(pull.head.repo?.full_name, repo) &&
    pull.user?.type === "Bot" &&
    pull.user.login.toLowerCase() === `${app.slug}[bot]`.toLowerCase()
  );
}
