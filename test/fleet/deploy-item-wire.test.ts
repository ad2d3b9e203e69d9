// Deploy items cross processes as JSON: what a replica reads back is what was queued (the build, the
// config hint, the command job); a command's settle is the reading replica's publisher.
import { EXAMPLE_CONFIG } from "../../src/config/example-config.js";
import type { CommandResult } from "../../src/commands/command-job.js";
import { fromWire, queuedAt, toWire } from "../../src/runtime/deploy-item-wire.js";
import { buildOf, validConfig } from "../helpers/plan-fixtures.js";
import { buildItem, commandItem, REPO } from "./fixtures/deploy-queue-fixtures.js";

test("a build with its config survives the trip (only undefined values fall away)", () => {
  const config = validConfig(EXAMPLE_CONFIG);
  const item = {
    ...buildItem("b-1"),
    build: buildOf("acme/api", "b".repeat(40), { buildNumber: 42, committedAt: 1_700_000_000_000 }),
    config,
  };
  const read = fromWire(toWire("id-1", 1234, item), () => () => undefined);
  expect(read).toEqual({ ok: true, id: "id-1", at: 1234, item });
  expect(queuedAt(toWire("id-1", 1234, item))).toBe(1234);
});

test("a command's job survives the trip; its settle is the reader's", () => {
  const settled: [string, CommandResult][] = [];
  const item = {
    ...commandItem("retag-9", REPO, () => undefined),
    job: {
      id: "retag-9",
      by: "octocat",
      edits: [
        {
          kind: "freeze" as const,
          environment: "prod",
          freeze: { by: "octocat", at: "2026-01-01T00:00:00Z" },
        },
      ],
      wanted: [],
    },
  };
  const read = fromWire(toWire("id-2", 5, item), (id) => (result) => settled.push([id, result]));
  if (!read.ok || read.item.kind !== "command") throw new Error("not read back as a command");
  expect(read.item.job).toEqual(item.job);
  read.item.settle({ kind: "failed", message: "x" });
  expect(settled).toEqual([["id-2", { kind: "failed", message: "x" }]]);
});

test("what is not an item is refused with a reason, not run", () => {
  expect(fromWire("{", () => () => undefined).ok).toBe(false);
  expect(
    fromWire(JSON.stringify({ id: "x", at: 1, item: { kind: "build" } }), () => () => undefined).ok,
  ).toBe(false);
});
