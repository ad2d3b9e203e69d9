import { parseConfig, type ConfigProblem } from "../../src/config/index.js";
import { durationSeconds } from "../../src/config/duration.js";

const BASE = `sources:
  - repositories: ["acme/*"]
environments:
  qa:
    paths: ["qa/**"]
  prod:
    paths: ["prod/**"]
`;

function problemsOf(text: string): ConfigProblem[] {
  const result = parseConfig(text);
  if (result.ok) throw new Error(`expected problems, got a valid config`);
  return result.problems;
}

describe("feedback keys (#16): gates, onDegraded, argocd, freeze.alerts", () => {
  test("a gate, a reaction and an application selector are read with their defaults", () => {
    const result = parseConfig(`${BASE}    after: { environment: qa, healthyFor: 1h30m }
    onDegraded: rollback
    argocd: { selector: "env=prod" }
freeze:
  alerts:
    - match: { severity: page, slo: checkout }
      environments: [prod]
    - match: { gitops_image_bot_freeze: "" }
`);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const prod = result.config.environments["prod"];
    expect(prod?.after).toEqual({ environment: "qa", healthyForSeconds: 5400 });
    expect(prod?.onDegraded).toBe("rollback");
    expect(prod?.argocd).toEqual({ applications: undefined, selector: "env=prod" });
    expect(result.config.environments["qa"]?.onDegraded).toBe("report");
    expect(result.config.environments["qa"]?.after).toBeUndefined();
    expect(result.config.freeze.alerts).toEqual([
      { match: { severity: "page", slo: "checkout" }, environments: ["prod"] },
      { match: { gitops_image_bot_freeze: "" }, environments: undefined },
    ]);
  });

  test.each([
    [
      "a gate on an environment that does not exist",
      `    after: { environment: staging }\n`,
      "no environment is named staging",
    ],
    ["a gate on itself", `    after: { environment: prod }\n`, "an environment cannot wait for itself"],
    [
      "a duration that is not one",
      `    after: { environment: qa, healthyFor: 30 minutes }\n`,
      '"30 minutes" is not a duration',
    ],
    ["an unknown reaction", `    onDegraded: page\n`, undefined],
  ])("%s is a problem with its line", (_name, extra, message) => {
    const problems = problemsOf(`${BASE}${extra}`);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(8);
    if (message) expect(problems[0]?.message).toContain(message);
  });

  test("an alert rule naming an unknown environment is a problem", () => {
    const problems = problemsOf(
      `${BASE}freeze:\n  alerts:\n    - match: { slo: checkout }\n      environments: [production]\n`,
    );
    expect(problems.map((problem) => [problem.line, problem.message])).toEqual([
      [11, "`freeze.alerts[0].environments[0]`: no environment is named production"],
    ]);
  });

  test.each([
    ["30m", 1800],
    ["1h30m", 5400],
    ["90s", 90],
    ["0s", 0],
    ["", undefined],
    ["30", undefined],
    ["1d", undefined],
  ])("duration %j is %j seconds", (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });
});
