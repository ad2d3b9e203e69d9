import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

export default tseslint.config(
  { ignores: ["dist/", "coverage/", "node_modules/", "tmp/"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  prettier,
  {
    files: ["test/**/*.ts", "bench/**/*.ts", "twin/**/*.ts", "examples/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
  {
    // Plain JavaScript run by node (the benchmark's app process).
    files: ["**/*.mjs"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", setInterval: "readonly", URL: "readonly" },
    },
  },
  {
    files: ["src/core/**/*.ts"],
    rules: {
      // The core is pure: no I/O, clock, environment or logging (see docs/architecture.md, "Design principles").
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:*", "fs", "path", "child_process", "octokit", "@octokit/*", "probot", "pino"],
              message: "src/core is pure: do I/O at the edges (src/cli, src/services, src/adapters).",
            },
          ],
        },
      ],
      "no-restricted-globals": ["error", "process", "console"],
    },
  },
);
