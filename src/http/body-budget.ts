/**
 * Bytes of request bodies the process may hold at once, shared by every webhook request in flight: a
 * request takes what it reads (or, with a Content-Length, all of it up front) and gives it back when its
 * response is done. Bodies live in Buffers outside V8's heap, but their decoded text and parse do not, so
 * the sum is bounded whatever many senders do at once.
 */
export class BodyBudget {
  #inFlight = 0;

  constructor(readonly capacity: number) {}

  /** Bytes taken and not yet given back. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Takes `bytes` when they fit within the capacity; false (nothing taken) when they do not. */
  take(bytes: number): boolean {
    if (bytes < 0 || this.#inFlight + bytes > this.capacity) return false;
    this.#inFlight += bytes;
    return true;
  }

  give(bytes: number): void {
    this.#inFlight = Math.max(0, this.#inFlight - bytes);
  }
}

/** One request's share of a BodyBudget: grows as it reads, given back at once by `release`. */
export class BodyShare {
  #bytes = 0;
  #released = false;

  constructor(private readonly budget: BodyBudget) {}

  get bytes(): number {
    return this.#bytes;
  }

  /** The whole budget's capacity, shared with every other request. */
  get capacity(): number {
    return this.budget.capacity;
  }

  /** Grows the share to at least `total` bytes; false when the budget cannot give that much. */
  growTo(total: number): boolean {
    if (this.#released) return false;
    if (total <= this.#bytes) return true;
    if (!this.budget.take(total - this.#bytes)) return false;
    this.#bytes = total;
    return true;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.budget.give(this.#bytes);
    this.#bytes = 0;
  }
}
