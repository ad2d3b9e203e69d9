/**
 * Whether an error (or one of its causes) says the fleet's Redis could not be reached: ioredis gave up
 * on the command (`MaxRetriesPerRequestError`), the connection is closed, or the command timed out.
 * Such a failure is transient: the work is left in Redis for another try, never dropped.
 */
export function isRedisUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current.name === "MaxRetriesPerRequestError") return true;
    if (
      /Connection is closed|Stream isn't writeable|Command timed out|max retries per request/i.test(
        current.message,
      )
    )
      return true;
    current = current.cause;
  }
  return false;
}
