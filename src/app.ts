import type { ApplicationFunction } from "probot";

/** The Probot app: wiring only (handlers, queue, adapters are composed here). */
export const gitopsImageBot: ApplicationFunction = () => {
  // Wired in the following commits.
};
