import { expect, test } from "@jest/globals";
import { limitCommands } from "../../src/commands/limit-commands.js";
import { MAX_SERVICES, parseCommands } from "../../src/commands/parse-commands.js";

const texts = (body: string, max = 20) => {
  const limited = limitCommands(parseCommands(body), max);
  return { ...limited, lines: limited.lines.map((line) => line.text) };
};

test("300 /status lines are one command", () => {
  expect(texts("/status\n".repeat(300))).toEqual({ lines: ["/status"], repeated: 299, notRun: 0 });
});

test("the same command in other spacing, case or service order runs once", () => {
  const body =
    "/retag dev abc1234 web api\n/RETAG  dev  ABC1234 api web\n/retag dev abc1234 web\n/status prod";
  expect(texts(body)).toEqual({
    lines: ["/retag dev abc1234 web api", "/retag dev abc1234 web", "/status prod"],
    repeated: 1,
    notRun: 0,
  });
});

test("environments keep their case, and repeated invalid lines are answered once", () => {
  expect(texts("/status Dev\n/status dev\n/freeze\n/freeze").lines).toEqual([
    "/status Dev",
    "/status dev",
    "/freeze",
  ]);
});

test("distinct commands beyond the cap are counted, not kept", () => {
  const body = Array.from({ length: 25 }, (_, i) => `/freeze dev reason ${i}`).join("\n");
  const limited = texts(`${body}\n${body}`);
  expect(limited.lines).toHaveLength(20);
  expect(limited.lines.at(-1)).toBe("/freeze dev reason 19");
  expect([limited.repeated, limited.notRun]).toEqual([25, 5]);
});

test("a command's services are deduplicated and capped before anything runs", () => {
  const [same] = parseCommands("/retag prod abc1234 web WEB web api");
  expect(same?.ok && same.command).toMatchObject({ services: ["web", "api"] });
  const many = Array.from({ length: MAX_SERVICES + 1 }, (_, i) => `s${i}`).join(" ");
  const [tooMany] = parseCommands(`/retag prod abc1234 ${many} ${"web ".repeat(8000)}`);
  expect(tooMany?.ok).toBe(false);
  expect(!tooMany?.ok && tooMany?.problem).toBe(
    `${MAX_SERVICES + 2} services in one command; at most ${MAX_SERVICES}`,
  );
  const [atCap] = parseCommands(`/rollback prod ${"web ".repeat(8000)}`);
  expect(atCap?.ok && atCap.command).toMatchObject({ services: ["web"] });
});
