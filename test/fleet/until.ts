/**
 * Waits until `done()` holds (polled every 20 ms), for Redis round trips to finish: a condition on
 * outcomes, never a fixed sleep. Fails after `deadlineMs` (generous: the machine is shared).
 */
export async function until(done: () => boolean | Promise<boolean>, deadlineMs = 60_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error("the condition did not hold in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
