import { jest } from "@jest/globals";

/**
 * The time budget of a test that starts servers, git or child processes (jest.config.js, project "io").
 * Their work is bounded by counts (builds, commits, requests), not by time; how long it takes depends on the
 * machine and its load (2 shared cores, other test runs beside). So the budget only catches a hang.
 */
export const IO_TEST_BUDGET_MS = 120_000;

jest.setTimeout(IO_TEST_BUDGET_MS);
