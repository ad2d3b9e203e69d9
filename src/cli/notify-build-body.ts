import { checkName, checkTag } from "../core/image-ref/validate-parts.js";

/** The flags of `notify-build` that become the body's fields (strings as given on the command line). */
export interface NotifyBuildFlags {
  readonly repository?: string | undefined;
  readonly host?: string | undefined;
  readonly sha?: string | undefined;
  readonly image?: string | undefined;
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
  readonly branch?: string | undefined;
  readonly "default-branch"?: string | undefined;
  readonly "build-number"?: string | undefined;
  readonly "build-url"?: string | undefined;
  readonly "committed-at"?: string | undefined;
}

/** The JSON body of `POST /api/builds`, exactly the wire contract's fields (absent ones left out). */
export interface BuildBody {
  readonly repository: string;
  readonly host?: string;
  readonly sha: string;
  readonly image: string;
  readonly tag: string;
  readonly digest?: string;
  readonly branch?: string;
  readonly defaultBranch?: string;
  readonly buildNumber?: number;
  readonly url?: string;
  readonly committedAt?: string;
}

export type BodyResult =
  { ok: true; body: BuildBody } | { ok: false; flag: string; message: string; fix: string };

const REPOSITORY = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/;
const HOST =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(:\d{1,5})?$/;
// ISO 8601 date-time with a zone, as git's %cI and GitLab's $CI_COMMIT_TIMESTAMP print it.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
// Git forbids these in branch names (git check-ref-format); control characters too.
// eslint-disable-next-line no-control-regex
const BAD_BRANCH = /[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|^\/|\/$|\.lock$|^-/;

type Check = (value: string) => { message: string; fix: string } | undefined;

const required = ["repository", "sha", "image", "tag"] as const;

const checks: Record<string, Check> = {
  repository: (value) =>
    REPOSITORY.test(value)
      ? undefined
      : {
          message: `"${value}" is not a repository path`,
          fix: "give owner/name (on another --host, the whole path, e.g. payments/backend/api)",
        },
  host: (value) =>
    HOST.test(value) && !/^https?:/i.test(value)
      ? undefined
      : {
          message: `"${value}" is not a host name`,
          fix: "give the source repository's host alone, e.g. gitlab.example.com (no https://); leave it out for GitHub",
        },
  sha: (value) =>
    /^[0-9a-fA-F]{40}$/.test(value)
      ? undefined
      : {
          message: `"${value}" is not a full commit SHA`,
          fix: "give the 40 hex characters of the commit built ($GIT_COMMIT, $CI_COMMIT_SHA, git rev-parse HEAD)",
        },
  image: (value) => {
    const problem = checkName(value);
    return problem === undefined
      ? undefined
      : { message: problem, fix: "give the image without tag or digest, e.g. harbor.example.com/shop/api" };
  },
  tag: (value) => {
    const problem = checkTag(value);
    return problem === undefined ? undefined : { message: problem, fix: "give the tag the build pushed" };
  },
  digest: (value) =>
    /^sha256:[0-9a-f]{64}$/.test(value)
      ? undefined
      : {
          message: `"${value}" is not a digest`,
          fix: "give sha256: and 64 lower-case hex digits, or leave it out",
        },
  branch: (value) =>
    value !== "" && !BAD_BRANCH.test(value)
      ? undefined
      : {
          message: `"${value}" is not a branch name`,
          fix: "give the branch built, e.g. main (without refs/heads/)",
        },
  "build-number": (value) =>
    /^\d{1,15}$/.test(value)
      ? undefined
      : {
          message: `"${value}" is not a build number`,
          fix: "give the CI's build number, digits only ($BUILD_NUMBER)",
        },
  "build-url": (value) =>
    isHttpUrl(value)
      ? undefined
      : {
          message: `"${value}" is not an http(s) URL`,
          fix: "give the link to the build ($BUILD_URL), or leave it out",
        },
  "committed-at": (value) =>
    ISO_8601.test(value) && !Number.isNaN(Date.parse(value))
      ? undefined
      : {
          message: `"${value}" is not an ISO 8601 date-time with a zone`,
          fix: "give e.g. 2026-05-04T10:20:30Z (git show -s --format=%cI, $CI_COMMIT_TIMESTAMP)",
        },
};
checks["default-branch"] = checks["branch"] as Check;

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** Checks the flags and builds the body from them; the first problem in flag order comes back. */
export function buildBody(flags: NotifyBuildFlags): BodyResult {
  for (const flag of required)
    if (flags[flag] === undefined || flags[flag] === "")
      return { ok: false, flag, message: "is required", fix: `give --${flag}` };
  for (const [flag, check] of Object.entries(checks)) {
    const value = flags[flag as keyof NotifyBuildFlags];
    if (value === undefined) continue;
    const problem = check(value);
    if (problem !== undefined) return { ok: false, flag, ...problem };
  }
  const f = flags as Required<Pick<NotifyBuildFlags, (typeof required)[number]>> & NotifyBuildFlags;
  const buildNumber = f["build-number"];
  const body: BuildBody = {
    repository: f.repository,
    ...(f.host === undefined ? {} : { host: f.host.toLowerCase() }),
    sha: f.sha.toLowerCase(),
    image: f.image,
    tag: f.tag,
    ...(f.digest === undefined ? {} : { digest: f.digest }),
    ...(f.branch === undefined ? {} : { branch: f.branch }),
    ...(f["default-branch"] === undefined ? {} : { defaultBranch: f["default-branch"] }),
    ...(buildNumber === undefined ? {} : { buildNumber: Number(buildNumber) }),
    ...(f["build-url"] === undefined ? {} : { url: f["build-url"] }),
    ...(f["committed-at"] === undefined ? {} : { committedAt: f["committed-at"] }),
  };
  return { ok: true, body };
}
