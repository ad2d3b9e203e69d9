// Issue #15, item 10, end to end: what others write (an echoed command, a freeze reason) comes back in
// the app's replies as text, never as a link, an image, HTML or a mention in the app's words.
import {
  closeExpectingNoViolations,
  sourceRepo,
  startBot,
  type BotHarness,
  webManifests,
} from "./bot-harness.js";
import { liveHostileSyntax } from "../helpers/markdown-check.js";

const BOT = "gitops-image-bot[bot]";
const PAYLOAD =
  "a` @acme/sre ![p](https://evil.example/p.png) [re-authenticate](https://evil.example) <img src=x> `z";

let bot: BotHarness;
let issue: number;

beforeEach(async () => {
  bot = await startBot([webManifests(), sourceRepo("web")]);
  bot.setPermission("acme", "manifests", "carol", "write");
  issue = (await bot.openIssue({ owner: "acme", name: "manifests", login: "carol", title: "ops" })).number;
});

afterEach(() => closeExpectingNoViolations(bot));

async function say(body: string, login: string): Promise<string> {
  await bot.comment({ owner: "acme", name: "manifests", issueNumber: issue, login, body });
  await bot.idle();
  const replies = [...bot.repo("acme", "manifests").comments.values()].filter(
    (comment) => comment.user.login === BOT && comment.issueNumber === issue,
  );
  return replies.at(-1)?.body ?? "";
}

test("an outsider's command that tries to break out of its echo is answered as code", async () => {
  const reply = await say(`/status prod ${PAYLOAD}`, "eve");
  expect(reply).toContain("re-authenticate");
  expect(liveHostileSyntax(reply)).toEqual([]);
});

test("a freeze reason is shown escaped in /status, and the person who froze is not pinged", async () => {
  const frozen = await say(`/freeze prod ${PAYLOAD}`, "carol");
  expect(frozen).toContain("✅");
  expect(liveHostileSyntax(frozen)).toEqual([]);
  const status = await say("/status prod", "eve");
  expect(status).toContain("frozen by @\u200bcarol");
  expect(status).toContain("re-authenticate");
  expect(liveHostileSyntax(status)).toEqual([]);
});
