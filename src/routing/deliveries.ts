import { Lru } from "../services/lru.js";

interface ErrorLog {
  error(object: object, message: string): void;
}

/**
 * Webhook deliveries, each handled once (by `X-GitHub-Delivery`; a comment's commands once by comment
 * id too), their work run in the background: the webhook is answered at once.
 */
export class Deliveries {
  private readonly seen = new Lru<string, true>(10_000);
  /** Comments whose commands ran: a delivery replayed under a new id does not run them again. */
  private readonly seenComments = new Lru<number, true>(10_000);
  /** Dispatches under way: the webhook is answered at once, the routing runs after. */
  private readonly dispatching = new Set<Promise<void>>();

  /** Whether the delivery is new; from now on it is seen. */
  first(delivery: string): boolean {
    if (this.seen.has(delivery)) return false;
    this.seen.set(delivery, true);
    return true;
  }

  /** Whether neither the delivery nor the comment was seen before; from now on both are. */
  firstComment(delivery: string, commentId: number): boolean {
    if (this.seen.has(delivery) || this.seenComments.has(commentId)) return false;
    this.seen.set(delivery, true);
    this.seenComments.set(commentId, true);
    return true;
  }

  /** Runs a delivery's work after its webhook is answered; a failure is logged, never thrown. */
  inBackground(log: ErrorLog, work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => log.error({ err: error }, "could not route the build"));
    this.dispatching.add(tracked);
    void tracked.finally(() => this.dispatching.delete(tracked));
  }

  /** How many deliveries' work is under way. */
  get pending(): number {
    return this.dispatching.size;
  }

  /** Resolves when the work under way now has ended (work it starts meanwhile may still run). */
  async settled(): Promise<void> {
    await Promise.all([...this.dispatching]);
  }
}
