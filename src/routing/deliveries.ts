import { MemoryDeliverySeen, type DeliverySeen } from "./delivery-seen.js";

interface ErrorLog {
  error(object: object, message: string): void;
}

/**
 * Webhook deliveries, each handled once (by `X-GitHub-Delivery`; a comment's commands once by comment
 * id too), their work run in the background: the webhook is answered at once. Which were seen is kept
 * by `seen` (in memory, or in the fleet's Redis so that a delivery redelivered to another replica is
 * handled once); the work under way is this process's own.
 */
export class Deliveries {
  /** Dispatches under way: the webhook is answered at once, the routing runs after. */
  private readonly dispatching = new Set<Promise<void>>();

  constructor(private readonly seen: DeliverySeen = new MemoryDeliverySeen()) {}

  /** Whether the delivery is new; from now on it is seen. */
  first(delivery: string): Promise<boolean> {
    return this.seen.claim([`delivery:${delivery}`]);
  }

  /** Forgets a delivery claimed by `first` whose work could not be queued, so that its redelivery is taken. */
  forget(delivery: string): Promise<void> {
    return this.seen.release([`delivery:${delivery}`]);
  }

  /**
   * Whether neither the delivery nor the comment was seen before; from now on both are (comments whose
   * commands ran: a delivery replayed under a new id does not run them again).
   */
  firstComment(delivery: string, commentId: number): Promise<boolean> {
    return this.seen.claim([`delivery:${delivery}`, `comment:${commentId}`]);
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
