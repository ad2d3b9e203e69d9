import { untilWarm } from "../../src/runtime/fleet-health.js";

describe("a fresh replica's readiness", () => {
  const ok = async () => ({ ok: true as const });

  test("not ready while its warm-up runs, then as the next check says; never longer than the bound", async () => {
    let clock = 1_000;
    let warm = false;
    const check = untilWarm(
      ok,
      () => warm,
      1_000,
      () => clock,
      15_000,
    );
    expect(await check()).toEqual({ ok: false, reason: expect.stringMatching(/^warming up/) });
    warm = true;
    expect(await check()).toEqual({ ok: true });
    warm = false;
    clock = 1_000 + 15_000;
    expect(await check()).toEqual({ ok: true });
  });
});
