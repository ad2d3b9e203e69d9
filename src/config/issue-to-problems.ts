import type { z } from "zod";
import { closestWord } from "./closest-word.js";
import type { ConfigProblem } from "./config-result.js";
import { knownKeys } from "./known-keys.js";
import type { Position } from "./locate.js";
import { valueAt } from "./value-at.js";
import { dotted } from "./dotted-path.js";
import { EXPECTED } from "./expected-type.js";
import { keyExample, orRemoveKey } from "./key-hints.js";
import { kindOf } from "./kind-of.js";
import { wrongTypeFix } from "./wrong-type-fix.js";

export type Locator = (path: readonly PropertyKey[], at: "key" | "value") => Position;

/** Turns one zod issue into problems a person can act on: where, what, and the fix. */
export function issueToProblems(issue: z.core.$ZodIssue, root: unknown, locate: Locator): ConfigProblem[] {
  const { path } = issue;
  const name = dotted(path);
  const value = valueAt(root, path);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        ...locate([...path, key], "key"),
        message: `unknown key \`${key}\` ${path.length === 0 ? "at the top level" : `in \`${name}\``}`,
        fix: unknownKeyFix(key, path),
      }));
    case "invalid_type":
      if (value === undefined) {
        const key = String(path.at(-1));
        const parent = path.slice(0, -1);
        return [
          {
            ...locate(path, "value"),
            message: `required key \`${key}\` is missing ${parent.length === 0 ? "at the top level" : `in \`${dotted(parent)}\``}`,
            fix: `add it, e.g. \`${keyExample(key, "...")}\``,
          },
        ];
      }
      return [
        {
          ...locate(path, "value"),
          message: `\`${name}\` should be ${EXPECTED[issue.expected] ?? issue.expected}, not ${kindOf(value)}`,
          fix: wrongTypeFix(issue.expected, value, path),
        },
      ];
    case "invalid_value": {
      const options = issue.values.map(String);
      const guess = typeof value === "string" ? closestWord(value, options) : undefined;
      return [
        {
          ...locate(path, "value"),
          message: `\`${name}\` is ${typeof value === "string" ? `\`${value}\`` : kindOf(value)}, not one of ${options.join(", ")}`,
          fix:
            guess === undefined
              ? `use one of: ${options.join(", ")}`
              : `did you mean \`${guess}\`? (one of ${options.join(", ")})`,
        },
      ];
    }
    case "too_small":
      return [{ ...locate(path, "value"), ...tooSmall(issue, name, value) }];
    case "too_big":
      return [
        {
          ...locate(path, "value"),
          message: `\`${name}\` is ${String(value)}, above the maximum ${String(issue.maximum)}`,
          fix: `use ${String(issue.maximum)} or less`,
        },
      ];
    case "custom": {
      const fix: unknown = issue.params?.["fix"];
      const at = issue.params?.["at"] === "key" ? "key" : "value";
      return [
        {
          ...locate(path, at),
          message: at === "key" ? issue.message : `\`${name}\`: ${issue.message}`,
          fix: typeof fix === "string" ? fix : "see docs/configuration.md",
        },
      ];
    }
    default:
      return [
        {
          ...locate(path, "value"),
          message: `\`${name}\`: ${issue.message}`,
          fix: "see docs/configuration.md",
        },
      ];
  }
}

function tooSmall(
  issue: z.core.$ZodIssueTooSmall,
  name: string,
  value: unknown,
): { message: string; fix: string } {
  const key = String(issue.path.at(-1));
  if (issue.origin === "array") {
    return {
      message: `\`${name}\` is an empty list`,
      fix: `list at least one, e.g. \`${keyExample(key, "[...]")}\`${orRemoveKey(key)}`,
    };
  }
  if (issue.origin === "string") {
    return {
      message: `\`${name}\` is an empty string`,
      fix: `write a value${orRemoveKey(key)}`,
    };
  }
  return {
    message: `\`${name}\` is ${String(value)}, below the minimum ${String(issue.minimum)}`,
    fix: `use ${String(issue.minimum)} or more`,
  };
}

function unknownKeyFix(key: string, path: readonly PropertyKey[]): string {
  const { keys, elsewhere } = knownKeys(path);
  const guess = closestWord(key, keys);
  const list = `the keys ${path.length === 0 ? "at the top level" : `in \`${dotted(path)}\``} are ${keys.join(", ")}`;
  if (guess !== undefined) return `did you mean \`${guess}\`? (${list})`;
  const home = elsewhere.find((kind) => kind.keys.includes(key));
  if (home !== undefined) return `\`${key}\` belongs ${home.where}: move it there`;
  return `remove it; ${list}`;
}
