import { requestKind } from "./request-kind.js";

/** GitHub: "If you're making a large number of POST, PATCH, PUT, or DELETE requests [...] wait at least one second between each request." */
export const WRITE_SPACING_MS = 1000;

/** Where each key's (an installation's) writes get their turn: in memory, or in the fleet's Redis. */
export interface WriteSlots {
  /** Resolves when the key's next write may be sent. */
  slot(key: string): Promise<void>;
}

/**
 * Spaces the writes (REST writes, GraphQL mutations) of each key (an installation) `spacingMs` apart,
 * in the order they ask; reads never wait here. In memory: the writes of this process.
 */
export class WriteSpacing implements WriteSlots {
  /** When each key's next write may leave. */
  private readonly next = new Map<string, number>();

  constructor(private readonly spacingMs: number = WRITE_SPACING_MS) {}

  /** Resolves when the key's next write may be sent (at once when its last one left `spacingMs` ago). */
  async slot(key: string): Promise<void> {
    const now = Date.now();
    if (this.next.size > 1000) for (const [k, at] of this.next) if (at <= now) this.next.delete(k);
    const at = Math.max(now, this.next.get(key) ?? 0);
    this.next.set(key, at + this.spacingMs);
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}

type Fetch = typeof globalThis.fetch;
const UNSPACED = Symbol("unspaced fetch");
type SpacedFetch = Fetch & { [UNSPACED]: Fetch };

/**
 * `fetch` with the writes of `key` spaced by `spacing`, told apart where they leave, so nothing
 * between the caller and the wire (Octokit's limiters, token requests, retries) can bunch them up
 * again; a retried write is spaced as a new one. Wrapping a spaced fetch wraps the plain one under it.
 */
export function spacedFetch(fetch: Fetch, spacing: WriteSlots, key: string): Fetch {
  const plain = (fetch as Partial<SpacedFetch>)[UNSPACED] ?? fetch;
  const spaced = async (input: Parameters<Fetch>[0], init?: Parameters<Fetch>[1]) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    if (requestKind({ method, url, query: graphqlQuery(url, init?.body) }) === "write")
      await spacing.slot(key);
    return plain(input, init);
  };
  return Object.assign(spaced, { [UNSPACED]: plain });
}

/** The GraphQL document of a request body to `/graphql`; undefined when there is none to read. */
function graphqlQuery(url: string, body: unknown): string | undefined {
  if (!/\/graphql(\?|$)/.test(new URL(url, "http://github.test").pathname) || typeof body !== "string")
    return undefined;
  try {
    const query: unknown = (JSON.parse(body) as { query?: unknown }).query;
    return typeof query === "string" ? query : undefined;
  } catch {
    return undefined;
  }
}
