import type { RestHandlers } from "../handler.js";
import { actionsHandlers } from "./actions.js";
import { appsHandlers } from "./apps.js";
import { checksHandlers } from "./checks.js";
import { commitCommentsHandlers } from "./commit-comments.js";
import { gitHandlers } from "./git.js";
import { issuesHandlers } from "./issues.js";
import { pullsHandlers } from "./pulls.js";
import { reposHandlers } from "./repos.js";

/** Every REST operation the twin serves, by GitHub's operationId. */
export const restHandlers: RestHandlers = {
  ...appsHandlers,
  ...reposHandlers,
  ...gitHandlers,
  ...pullsHandlers,
  ...issuesHandlers,
  ...checksHandlers,
  ...commitCommentsHandlers,
  ...actionsHandlers,
};
