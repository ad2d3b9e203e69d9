import type { TwinCore } from "./twin-core.js";
import { ZERO_SHA } from "./git/git-repo.js";
import { branchMoved } from "./events.js";

let raceCount = 0;

/**
 * Plays the racing writer a test armed for this route: another commit lands on the branch
 * between the app's read and its write.
 */
export async function raceWriters(
  twin: TwinCore,
  route: string,
  owner: string | undefined,
  repo: string | undefined,
): Promise<void> {
  for (const rule of twin.faults.takeRaces(route, owner, repo)) {
    const record = twin.store.requireRepo(rule.owner, rule.repo);
    raceCount += 1;
    const ref = `refs/heads/${rule.branch}`;
    const before = (await record.git.getRef(ref)) ?? ZERO_SHA;
    const after = await twin.store.commitFiles(
      record,
      rule.branch,
      [{ path: `race/${raceCount}.txt`, content: `a racing writer's commit ${raceCount}\n` }],
      `A racing writer's commit ${raceCount}`,
      { name: "Racing Writer", email: "racer@example.com" },
    );
    await branchMoved(twin, record, ref, before, after, twin.store.account("racing-writer"));
  }
}
