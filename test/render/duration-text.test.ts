import { deliveryReportText } from "../../src/core/render/delivery-text.js";
import { compactDuration, spokenDuration } from "../../src/core/render/duration-text.js";
import { gateLine } from "../../src/core/feedback/gate.js";

describe("one duration formatter family", () => {
  test.each([
    [0, "0s"],
    [45.4, "45s"],
    [59.6, "1m00s"],
    [192, "3m12s"],
    [720, "12m00s"],
    [3720, "1h02m"],
    [47 * 3600 + 59 * 60, "47h59m"],
    [2 * 86_400 + 4 * 3600, "2d04h"],
    [-5, "0s"],
  ])("compactDuration(%d) is %s", (seconds, text) => expect(compactDuration(seconds)).toBe(text));

  test.each([
    [30, "30 seconds"],
    [60, "1 minute"],
    [90, "90 seconds"],
    [1800, "30 minutes"],
    [3600, "60 minutes"],
    [7200, "2 hours"],
  ])("spokenDuration(%d) is %s", (seconds, text) => expect(spokenDuration(seconds)).toBe(text));

  test("the delivery report and the gate speak the same family", () => {
    const report = deliveryReportText(
      "acme/manifests",
      {
        figures: [
          {
            environment: "prod",
            deployments: 3,
            perDay: 0.1,
            leadTime: { count: 3, median: 192, p90: 3720 },
            failed: 1,
            changeFailureRate: 1 / 3,
            restore: { count: 1, median: 2 * 86_400 + 4 * 3600, open: 0 },
          },
        ],
        truncated: false,
        omitted: 0,
      },
      "30d",
    );
    expect(report).toContain("3m12s (p90 1h02m, 3 known)");
    expect(report).toContain("2d04h (1 restored)");
    expect(gateLine({ environment: "qa", healthyForSeconds: 1800 }, { image: "web", tag: "v1" })).toContain(
      "for 30 minutes",
    );
  });
});
