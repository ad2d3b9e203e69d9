import type { MergeMethod } from "../../config/index.js";
import type { GateRule, GateVerdict } from "../../core/feedback/gate.js";
import type { ManifestsRepoId } from "../../core/feedback/observation.js";

/** A gated pull request's gate: what its check run waits for, and what it says now. */
export interface OpenGate {
  readonly installationId: number;
  readonly manifests: ManifestsRepoId;
  readonly pull: number;
  /** The pull request's head commit, which carries the check run. */
  readonly headOid: string;
  /** The gated environment (the pull request's), and its rule (`after`). */
  readonly environment: string;
  readonly rule: GateRule;
  /** The build the pull request carries (normalised image name, tag). */
  readonly image: string;
  readonly tag: string;
  /** `auto-merge`: the app merges (or enables auto-merge) once the gate passes; else people merge. */
  readonly mode: "auto-merge" | "pull-request";
  readonly mergeMethod: MergeMethod;
  /** The check run, once created, and what it says on GitHub now. */
  readonly checkRunId: number | undefined;
  readonly shown: GateVerdict | undefined;
  readonly openedAt: number;
}

/**
 * The gates, one per (manifests repository, pull request): open ones, and settled ones (passed or
 * failed) so that a repeated report of the same head makes no new check run. The port behind which the
 * fleet (#19) would share them. A newer head of the same pull request replaces its gate (the older
 * commit keeps its check run as it was: GitHub shows checks per commit).
 *
 * Kept in memory only. After a restart, the next reconciliation pass finds the open gates again from
 * the app's open pull requests (`GateKeeper.refind`, their `Deploys:` trailers), and the deployer's
 * next report of a pull request does too; the check run on that head is then taken up, not made twice.
 */
export interface GateRegistry {
  get(manifests: ManifestsRepoId, pull: number): OpenGate | undefined;
  put(gate: OpenGate): void;
  delete(manifests: ManifestsRepoId, pull: number): void;
  /** The open gates of a manifests repository, or of every one when undefined. */
  list(manifests?: ManifestsRepoId): OpenGate[];
}

const repoKey = (manifests: ManifestsRepoId): string => `${manifests.owner}/${manifests.name}`.toLowerCase();
const gateKey = (manifests: ManifestsRepoId, pull: number): string => `${repoKey(manifests)}#${pull}`;

/** The in-memory registry (one process), bounded: past `limit` gates, the oldest opened is forgotten. */
export class MemoryGateRegistry implements GateRegistry {
  private readonly gates = new Map<string, OpenGate>();

  constructor(private readonly limit = 5_000) {}

  get(manifests: ManifestsRepoId, pull: number): OpenGate | undefined {
    return this.gates.get(gateKey(manifests, pull));
  }

  put(gate: OpenGate): void {
    const key = gateKey(gate.manifests, gate.pull);
    const known = this.gates.has(key);
    this.gates.set(key, gate);
    if (known) return;
    while (this.gates.size > this.limit) {
      const oldest = this.gates.keys().next();
      if (oldest.done === true) break;
      this.gates.delete(oldest.value);
    }
  }

  delete(manifests: ManifestsRepoId, pull: number): void {
    this.gates.delete(gateKey(manifests, pull));
  }

  list(manifests?: ManifestsRepoId): OpenGate[] {
    const all = [...this.gates.values()];
    return manifests ? all.filter((gate) => repoKey(gate.manifests) === repoKey(manifests)) : all;
  }
}
