/**
 * Two projects. "unit": pure code, jest's 5 s default. "io": suites that start the twin, the app's server,
 * git or the built command; their time is the work's, several times longer on a loaded 2-core machine than
 * on an idle one, so they get a budget that only catches a hang (test/helpers/io-budget.ts). No test may
 * depend on the machine's speed.
 */
const IO_DIRS = ["cli", "e2e", "fleet", "ops", "services", "twin"];

const common = {
  testEnvironment: "node",
  testMatch: ["**/*.test.ts"],
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json" }],
  },
};

/** @type {import('jest').Config} */
export default {
  projects: [
    {
      ...common,
      displayName: "unit",
      roots: ["<rootDir>/test"],
      testPathIgnorePatterns: ["/node_modules/", ...IO_DIRS.map((dir) => `<rootDir>/test/${dir}/`)],
    },
    {
      ...common,
      displayName: "io",
      roots: IO_DIRS.map((dir) => `<rootDir>/test/${dir}`),
      setupFilesAfterEnv: ["<rootDir>/test/helpers/io-budget.ts"],
    },
  ],
};
