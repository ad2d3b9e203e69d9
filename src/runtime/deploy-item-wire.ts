import { z } from "zod";
import type { Config } from "../config/index.js";
import type { CommandJob, CommandResult } from "../commands/command-job.js";
import type { Build } from "../core/plan/build.js";
import type { DeployItem } from "../services/deployer.js";

/**
 * A deploy item as Redis keeps it: plain JSON, so any replica can run it. A command's `settle` cannot
 * cross processes: the item carries an id, and the replica that runs it publishes the result under that
 * id (src/runtime/command-results.ts). Builds, command jobs and configs are plain data (values that are
 * `undefined` are simply absent after the trip; test/fleet/deploy-item-wire.test.ts checks it).
 */
export interface WireEnvelope {
  /** Unique per queued item: a command's result is published under it. */
  readonly id: string;
  /** When it was queued (ms since the epoch): the age of the oldest waiting item. */
  readonly at: number;
  readonly item: WireItem;
}

type WireItem =
  | {
      readonly kind: "build";
      readonly installationId: number;
      readonly repo: { readonly owner: string; readonly name: string };
      readonly build: Build;
      readonly hintImage?: string;
      readonly config?: Config;
    }
  | {
      readonly kind: "command";
      readonly installationId: number;
      readonly repo: { readonly owner: string; readonly name: string };
      readonly job: CommandJob;
    };

const repoSchema = z.object({ owner: z.string().min(1), name: z.string().min(1) });
const plainObject = <T>() =>
  z.custom<T>((value) => typeof value === "object" && value !== null && !Array.isArray(value));

/** Checks the envelope's frame; the build, job and config inside are the app's own writes. */
const envelopeSchema = z.object({
  id: z.string().min(1),
  at: z.number(),
  item: z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("build"),
      installationId: z.number().int(),
      repo: repoSchema,
      build: plainObject<Build>(),
      hintImage: z.string().optional(),
      config: plainObject<Config>().optional(),
    }),
    z.object({
      kind: z.literal("command"),
      installationId: z.number().int(),
      repo: repoSchema,
      job: plainObject<CommandJob>(),
    }),
  ]),
});

export function toWire(id: string, at: number, item: DeployItem): string {
  const repo = { owner: item.repo.owner, name: item.repo.name };
  const wire: WireItem =
    item.kind === "build"
      ? {
          kind: "build",
          installationId: item.installationId,
          repo,
          build: item.build,
          ...(item.hintImage === undefined ? {} : { hintImage: item.hintImage }),
          ...(item.config === undefined ? {} : { config: item.config }),
        }
      : { kind: "command", installationId: item.installationId, repo, job: item.job };
  const envelope: WireEnvelope = { id, at, item: wire };
  return JSON.stringify(envelope);
}

export type ParsedItem =
  | { readonly ok: true; readonly id: string; readonly at: number; readonly item: DeployItem }
  | { readonly ok: false; readonly reason: string };

/** An item read back; a command's `settle` is what `settleFor(id)` gives (publish the result). */
export function fromWire(
  text: string,
  settleFor: (id: string) => (result: CommandResult) => void,
): ParsedItem {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${String(error)}` };
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: parsed.error.message };
  const { id, at, item } = parsed.data;
  if (item.kind === "build")
    return {
      ok: true,
      id,
      at,
      item: {
        kind: "build",
        installationId: item.installationId,
        repo: item.repo,
        build: item.build,
        hintImage: item.hintImage,
        ...(item.config === undefined ? {} : { config: item.config }),
      },
    };
  return {
    ok: true,
    id,
    at,
    item: {
      kind: "command",
      installationId: item.installationId,
      repo: item.repo,
      job: item.job,
      settle: settleFor(id),
    },
  };
}

/** When an item was queued, read without checking the rest (the oldest waiting item's age). */
export function queuedAt(text: string): number | undefined {
  try {
    const at = (JSON.parse(text) as { at?: unknown }).at;
    return typeof at === "number" ? at : undefined;
  } catch {
    return undefined;
  }
}
