import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

interface ExampleGroup {
  readonly name: string;
  readonly actions: readonly string[];
  readonly examples: ReadonlyArray<Record<string, unknown>>;
}

let groups: ExampleGroup[] | undefined;

/**
 * A copy of a real webhook payload from `@octokit/webhooks-examples` (GitHub.com shapes) for an event
 * and, when given, an action. The examples carry no `installation`: the harness adds it when sending.
 */
export function examplePayload(event: string, action?: string): Record<string, unknown> {
  if (!groups) {
    const require = createRequire(import.meta.url);
    groups = JSON.parse(
      readFileSync(require.resolve("@octokit/webhooks-examples"), "utf8"),
    ) as ExampleGroup[];
  }
  const group = groups.find((candidate) => candidate.name === event);
  if (!group) throw new Error(`@octokit/webhooks-examples has no "${event}" event`);
  const example = group.examples.find((candidate) => action === undefined || candidate["action"] === action);
  if (!example) {
    throw new Error(`@octokit/webhooks-examples has no "${event}" example with action "${action}"`);
  }
  return structuredClone(example) as Record<string, unknown>;
}
