import { Lru } from "./lru.js";

/** What the budget says of a person's next commands. */
export type BudgetAnswer =
  | { readonly kind: "run" }
  /** Over the limit: `tell` is true at most once a window, for one short reply; else say nothing. */
  | { readonly kind: "over"; readonly tell: boolean };

/** How many commands a person may run in an installation: the port the command runner asks. */
export interface CommandBudget {
  /** The most commands a person may run in a window, for the reply to someone over it. */
  readonly limit: number;
  /** Takes `count` commands of `login` in `installationId` at `now`, or says they are over the limit. */
  take(installationId: number, login: string, count: number, now: number): BudgetAnswer;
}

interface Counter {
  /** When the commands counted in the window were run, oldest first. */
  readonly at: number[];
  toldAt: number | undefined;
}

/**
 * In memory, per process: at most `limit` commands per person and installation in a sliding window,
 * kept for the `people` most recently seen (an LRU of counters, so memory stays bounded). A comment is
 * run whole or not at all: one whose commands do not fit what is left runs none.
 */
export class MemoryCommandBudget implements CommandBudget {
  private readonly counters: Lru<string, Counter>;

  constructor(
    readonly limit = 20,
    private readonly windowMs = 60_000,
    people = 10_000,
  ) {
    this.counters = new Lru(people);
  }

  take(installationId: number, login: string, count: number, now: number): BudgetAnswer {
    const key = `${installationId}:${login.toLowerCase()}`;
    const counter = this.counters.get(key) ?? { at: [], toldAt: undefined };
    this.counters.set(key, counter);
    while ((counter.at[0] ?? now) <= now - this.windowMs) counter.at.shift();
    if (counter.at.length + count <= this.limit) {
      for (let i = 0; i < count; i++) counter.at.push(now);
      return { kind: "run" };
    }
    const tell = counter.toldAt === undefined || now - counter.toldAt >= this.windowMs;
    if (tell) counter.toldAt = now;
    return { kind: "over", tell };
  }
}
