import { expect, test } from "@jest/globals";
import { MemoryCommandBudget } from "../../src/services/command-budget.js";

test("a person runs at most the limit per window, per installation, whatever the case of the login", () => {
  const budget = new MemoryCommandBudget(3, 60_000);
  expect(budget.take(1, "eve", 2, 0)).toEqual({ kind: "run" });
  expect(budget.take(1, "EVE", 2, 1_000)).toEqual({ kind: "over", tell: true });
  expect(budget.take(1, "eve", 1, 2_000)).toEqual({ kind: "run" });
  expect(budget.take(1, "eve", 1, 3_000)).toEqual({ kind: "over", tell: false });
  expect(budget.take(2, "eve", 3, 3_000)).toEqual({ kind: "run" });
  expect(budget.take(1, "bob", 3, 3_000)).toEqual({ kind: "run" });
  // The window slides: the first two left it at 60 s, the third at 62 s.
  expect(budget.take(1, "eve", 2, 60_000)).toEqual({ kind: "run" });
  expect(budget.take(1, "eve", 1, 61_000)).toEqual({ kind: "over", tell: true });
});

test("it remembers a bounded number of people", () => {
  const budget = new MemoryCommandBudget(1, 60_000, 2);
  budget.take(1, "a", 1, 0);
  budget.take(1, "b", 1, 0);
  budget.take(1, "c", 1, 0); // forgets a
  expect(budget.take(1, "a", 1, 0)).toEqual({ kind: "run" });
  expect(budget.take(1, "c", 1, 0)).toEqual({ kind: "over", tell: true });
});
