/**
 * GitHub's size limits on what a client writes, and the answers GitHub refuses them with (all found in
 * answers GitHub gave to real clients, quoted in public issue trackers):
 *
 * | what                                         | limit                         | REST answer (422)                                                        |
 * | -------------------------------------------- | ----------------------------- | ------------------------------------------------------------------------ |
 * | issue and pull request `title`               | 256 characters                | Issue custom title `title is too long (maximum is 256 characters)`       |
 * | issue and pull request `body`                | 65,536 characters             | Issue custom body `body is too long (maximum is 65536 characters)`       |
 * | new issue comment `body`                     | 65,536 characters             | IssueComment unprocessable data `Body is too long (maximum is …)`        |
 * | edited issue comment `body`                  | 65,536 characters             | IssueComment custom body `body is too long (maximum is …)`               |
 * | commit status `description`                  | 140 characters                | Status custom description `description is too long (maximum is 140 …)`  |
 * | deployment status `description`              | 140 characters                | DeploymentStatus custom description (the same message)                   |
 * | check run `output.summary`, `output.text`    | 65,535 characters             | `Invalid request.\n\nOnly 65535 characters are allowed; N were supplied.` |
 * |                                              | and 65,535 UTF-8 bytes        | CheckRun custom summary `summary exceeds a maximum bytesize of 65535`    |
 * | check run `output.annotations`               | 50 per request                | `Invalid request.\n\nNo more than 50 items are allowed; N were supplied.` |
 *
 * And on what a client reads: GraphQL's `Blob.text` holds at most 512,000 bytes of a blob (cut on a
 * character boundary); `isTruncated` says it was cut and `byteSize` keeps the whole size (as reported
 * from GitHub's answers in sveltia/sveltia-cms#950 and orbiting/backends#116).
 *
 * Pull request bodies and titles are validated as the issue they are (`resource: "Issue"`), as GitHub
 * does. GraphQL's `createPullRequest` and `updatePullRequest` refuse with an `UNPROCESSABLE` error whose
 * message is the capitalised sentence (`Body is too long (maximum is 65536 characters)`).
 *
 * How characters are counted: GitHub validates in Ruby, where a string's length is its number of Unicode
 * code points, so an emoji outside the Basic Multilingual Plane is one character (JavaScript's `.length`
 * counts its two UTF-16 code units). The twin counts code points (`characters`). Check run texts are also
 * limited in UTF-8 bytes, which is what refuses a summary of 20,000 emoji within 65,535 characters.
 */

/** GitHub's limits, by what they limit. */
export const LIMITS = {
  title: 256,
  body: 65_536,
  comment: 65_536,
  statusDescription: 140,
  checkOutput: 65_535,
  annotations: 50,
  /** Bytes of a blob GraphQL's `Blob.text` returns before it is cut (`isTruncated`). */
  blobText: 512_000,
} as const;

/** A blob's text as GraphQL's `Blob.text` gives it: the first 512,000 bytes, cut on a character boundary. */
export function blobText(data: Buffer): { text: string; truncated: boolean } {
  if (data.length <= LIMITS.blobText) return { text: data.toString("utf8"), truncated: false };
  let end = LIMITS.blobText;
  // Back off continuation bytes (10xxxxxx) so that no character is cut in two.
  while (end > 0 && ((data[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: data.subarray(0, end).toString("utf8"), truncated: true };
}

/** A refusal: GitHub's "Validation Failed" with one error, or its "Invalid request." for a schema limit. */
export type LimitRefusal =
  | {
      readonly kind: "validation";
      readonly resource: string;
      readonly field: string;
      readonly code: string;
      readonly message: string;
    }
  | { readonly kind: "invalid-request"; readonly message: string };

/** Unicode code points, as GitHub (Ruby's `String#length`) counts characters. */
export function characters(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

function tooLong(
  resource: string,
  field: string,
  max: number,
  options: { code?: string; errorField?: string; capital?: boolean } = {},
): LimitRefusal {
  const sentence = `${field} is too long (maximum is ${max} characters)`;
  return {
    kind: "validation",
    resource,
    field: options.errorField ?? field,
    code: options.code ?? "custom",
    message: options.capital ? capitalise(sentence) : sentence,
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function string(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The title and body of an issue or a pull request (REST `issues/*`, `pulls/*`). */
function issueText(body: Record<string, unknown>): LimitRefusal | undefined {
  const title = string(body["title"]);
  if (title !== undefined && characters(title) > LIMITS.title) return tooLong("Issue", "title", LIMITS.title);
  const text = string(body["body"]);
  if (text !== undefined && characters(text) > LIMITS.body) return tooLong("Issue", "body", LIMITS.body);
  return undefined;
}

/** A check run's output: annotations per request, then summary and text in characters, then in bytes. */
function checkOutput(body: Record<string, unknown>): LimitRefusal | undefined {
  const output = body["output"];
  if (output === null || typeof output !== "object") return undefined;
  const fields = output as Record<string, unknown>;
  const annotations = fields["annotations"];
  if (Array.isArray(annotations) && annotations.length > LIMITS.annotations) {
    return {
      kind: "invalid-request",
      message: `No more than ${LIMITS.annotations} items are allowed; ${annotations.length} were supplied.`,
    };
  }
  for (const field of ["summary", "text"]) {
    const text = string(fields[field]);
    if (text === undefined) continue;
    const count = characters(text);
    if (count > LIMITS.checkOutput)
      return {
        kind: "invalid-request",
        message: `Only ${LIMITS.checkOutput} characters are allowed; ${count} were supplied.`,
      };
    if (utf8Bytes(text) > LIMITS.checkOutput)
      return {
        kind: "validation",
        resource: "CheckRun",
        field,
        code: "custom",
        message: `${field} exceeds a maximum bytesize of ${LIMITS.checkOutput}`,
      };
  }
  return undefined;
}

function description(resource: string, body: Record<string, unknown>): LimitRefusal | undefined {
  const text = string(body["description"]);
  return text !== undefined && characters(text) > LIMITS.statusDescription
    ? tooLong(resource, "description", LIMITS.statusDescription)
    : undefined;
}

const REST_CHECKS: Readonly<Record<string, (body: Record<string, unknown>) => LimitRefusal | undefined>> = {
  "issues/create": issueText,
  "issues/update": issueText,
  "pulls/create": issueText,
  "pulls/update": issueText,
  "issues/create-comment": (body) => {
    const text = string(body["body"]);
    return text !== undefined && characters(text) > LIMITS.comment
      ? tooLong("IssueComment", "body", LIMITS.comment, {
          code: "unprocessable",
          errorField: "data",
          capital: true,
        })
      : undefined;
  },
  "issues/update-comment": (body) => {
    const text = string(body["body"]);
    return text !== undefined && characters(text) > LIMITS.comment
      ? tooLong("IssueComment", "body", LIMITS.comment)
      : undefined;
  },
  // A commit comment's body: the same 65,536 characters as an issue comment's (assumed by analogy).
  "repos/create-commit-comment": (body) => {
    const text = string(body["body"]);
    return text !== undefined && characters(text) > LIMITS.comment
      ? tooLong("CommitComment", "body", LIMITS.comment)
      : undefined;
  },
  "repos/create-commit-status": (body) => description("Status", body),
  "repos/create-deployment-status": (body) => description("DeploymentStatus", body),
  "checks/create": checkOutput,
  "checks/update": checkOutput,
};

/** Why GitHub refuses a REST request body for its size, or undefined when it is within every limit. */
export function restLimitRefusal(
  operationId: string,
  body: Record<string, unknown>,
): LimitRefusal | undefined {
  return REST_CHECKS[operationId]?.(body);
}

/**
 * Why GitHub refuses a pull request's title or body in GraphQL (`createPullRequest`,
 * `updatePullRequest`): the message of its `UNPROCESSABLE` error, or undefined.
 */
export function pullRequestInputRefusal(input: Record<string, unknown>): string | undefined {
  const title = string(input["title"]);
  if (title !== undefined && characters(title) > LIMITS.title)
    return `Title is too long (maximum is ${LIMITS.title} characters)`;
  const body = string(input["body"]);
  if (body !== undefined && characters(body) > LIMITS.body)
    return `Body is too long (maximum is ${LIMITS.body} characters)`;
  return undefined;
}
