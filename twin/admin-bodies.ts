import { z } from "zod";

/** The request bodies of the twin's admin interface (`/_twin/...`); unknown keys are refused. */
const name = z.string().min(1);
const sha = z.string().regex(/^[0-9a-f]{40}$/, "a full commit SHA (40 lowercase hex digits)");
const permission = z.enum(["admin", "maintain", "write", "triage", "read"]);

export const adminBodies = {
  "POST /_twin/apps": z.strictObject({
    id: z.number().int().positive().optional(),
    slug: name,
    owner: name.optional(),
    publicKeyPem: name,
    webhookUrl: z.url().optional(),
    webhookSecret: name.optional(),
    events: z.array(name).optional(),
  }),
  "POST /_twin/repos": z.strictObject({
    owner: name,
    name,
    defaultBranch: name.optional(),
    private: z.boolean().optional(),
    files: z.array(z.strictObject({ path: name, content: z.string() })).optional(),
    collaborators: z.record(z.string(), permission).optional(),
    requiredChecks: z.array(name).optional(),
  }),
  "POST /_twin/installations": z.strictObject({
    appId: z.number().int().positive(),
    account: name,
    repositories: z.array(name).optional(),
  }),
  "POST /_twin/commits": z.strictObject({
    owner: name,
    repo: name,
    branch: name.optional(),
    message: name.optional(),
    files: z.array(z.strictObject({ path: name, content: z.string().nullable() })).min(1),
  }),
  "POST /_twin/webhooks": z.strictObject({
    appId: z.number().int().positive(),
    event: name,
    payload: z.record(z.string(), z.unknown()),
    deliveryId: name.optional(),
  }),
  "POST /_twin/workflow-runs": z.strictObject({
    owner: name,
    repo: name,
    headSha: sha.optional(),
    branch: name.optional(),
    event: name.optional(),
    path: name.optional(),
    name: name.optional(),
    status: z.enum(["queued", "in_progress", "completed", "waiting", "requested", "pending"]).optional(),
    conclusion: name.nullable().optional(),
    jobs: z.array(name).optional(),
  }),
  "POST /_twin/faults": z.strictObject({
    latency: z.record(z.string(), z.number().nonnegative()).optional(),
    contentCreatingPerMinute: z.number().int().nonnegative().optional(),
    clear: z.boolean().optional(),
  }),
} as const;

export type AdminRoute = keyof typeof adminBodies;
export type AdminBody<R extends AdminRoute> = z.infer<(typeof adminBodies)[R]>;

/** The body of `route`, or the message of a 400 that names the first wrong field. */
export function parseAdminBody<R extends AdminRoute>(
  route: R,
  body: unknown,
): { ok: true; body: AdminBody<R> } | { ok: false; message: string } {
  const result = adminBodies[route].safeParse(body);
  if (result.success) return { ok: true, body: result.data as AdminBody<R> };
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((key) => (field ? `${field}.${key}` : key)).join(", ");
    return { ok: false, message: `${route}: unknown field ${keys}` };
  }
  const what = /received undefined$/.test(issue.message) ? "is required" : issue.message;
  return { ok: false, message: `${route}: \`${field || "body"}\`: ${what}` };
}
