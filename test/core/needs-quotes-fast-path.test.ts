import fc from "fast-check";
import { parse } from "yaml";
import { needsQuotes } from "../../src/core/index.js";

test("the parse-free fast path never leaves a value plain that YAML 1.1 or 1.2 reads as anything else", () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_./-]{0,12}$/), (value) => {
      if (needsQuotes(value)) return;
      expect(parse(value, { version: "1.1" })).toBe(value);
      expect(parse(value, { version: "1.2" })).toBe(value);
    }),
    { numRuns: 2000 },
  );
});
