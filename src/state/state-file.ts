import { isMap, LineCounter, parseDocument, type Document } from "yaml";
import { z } from "zod";
import { MAX_ALIAS_COUNT } from "../core/rewrite/file-limits.js";
import { freezeAfterAlert, type AlertEdit } from "../core/alerts/alert-freeze.js";

/**
 * Holds and freezes live in git, in one small file next to the config, so they are reviewed like any
 * change, survive restarts and replicas, and a person lifts one by deleting its entry.
 */
export const STATE_PATH = ".github/gitops-image-bot-state.yml";

const STATE_HEADER = `# Holds and freezes of gitops-image-bot. The app writes this file when someone runs /rollback,
# /freeze, /resume or /unfreeze, or when an Alertmanager alert fires or resolves; to lift a hold or a
# freeze by hand, delete its entry.
`;

const who = {
  /** The GitHub login that asked. */
  by: z.string().min(1),
  /** When (ISO 8601). */
  at: z.iso.datetime({ offset: true }),
  reason: z.string().optional(),
};

const freezeSchema = z.strictObject({
  ...who,
  until: z.iso.datetime({ offset: true }).optional(),
  /** Placed by an Alertmanager alert (its fingerprint): only that alert's `resolved` lifts it. */
  alert: z.string().min(1).optional(),
  /** A link for people: the alert's source or runbook. */
  url: z.url().optional(),
});
const holdSchema = z.strictObject({ ...who, tag: z.string().min(1) });

const stateSchema = z.strictObject({
  /** Per environment: no automatic change until `until` (or until `/unfreeze`). */
  freezes: z.record(z.string(), freezeSchema).optional(),
  /** Per environment, per image: this tag stays until `/resume`. */
  holds: z.record(z.string(), z.record(z.string(), holdSchema)).optional(),
});

export type Freeze = z.infer<typeof freezeSchema>;
export type Hold = z.infer<typeof holdSchema>;

export interface State {
  readonly freezes: Readonly<Record<string, Freeze>>;
  readonly holds: Readonly<Record<string, Readonly<Record<string, Hold>>>>;
}

export const EMPTY_STATE: State = { freezes: {}, holds: {} };

export type StateResult =
  | { readonly ok: true; readonly state: State }
  | { readonly ok: false; readonly line: number; readonly column: number; readonly message: string };

/** Reads the state file (absent: nothing held or frozen). */
export function parseState(text: string | undefined): StateResult {
  if (text === undefined || text.trim() === "") return { ok: true, state: EMPTY_STATE };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const error = doc.errors[0];
  if (error)
    return {
      ok: false,
      line: error.linePos?.[0].line ?? 1,
      column: error.linePos?.[0].col ?? 1,
      message: `not valid YAML: ${error.message}`,
    };
  let value: unknown;
  try {
    // The same bound on aliases as the config and manifests files: an alias bomb is a problem, not a crash.
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    return { ok: false, line: 1, column: 1, message: `not valid YAML: ${(error as Error).message}` };
  }
  const parsed = stateSchema.safeParse(value);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const path = (issue?.path ?? []) as (string | number)[];
    const node = doc.getIn(path, true) as { range?: [number] } | undefined;
    const { line, col } = node?.range ? lineCounter.linePos(node.range[0]) : { line: 1, col: 1 };
    const where = path.length > 0 ? `${path.join(".")}: ` : "";
    return { ok: false, line, column: col, message: `${where}${issue?.message ?? "not a state file"}` };
  }
  return { ok: true, state: { freezes: parsed.data.freezes ?? {}, holds: parsed.data.holds ?? {} } };
}

/** The freeze in force on an environment at `now`, if any (an expired one is ignored). */
export function freezeOf(state: State, environment: string, now: number): Freeze | undefined {
  const freeze = state.freezes[environment];
  if (!freeze) return undefined;
  return freeze.until !== undefined && Date.parse(freeze.until) <= now ? undefined : freeze;
}

export function holdOf(state: State, environment: string, image: string): Hold | undefined {
  return state.holds[environment]?.[image];
}

export type StateEdit =
  | { readonly kind: "freeze"; readonly environment: string; readonly freeze: Freeze }
  | { readonly kind: "unfreeze"; readonly environment: string }
  | { readonly kind: "hold"; readonly environment: string; readonly image: string; readonly hold: Hold }
  /** Lifts the hold on one image in the environment, or (no image) every hold there. */
  | { readonly kind: "release"; readonly environment: string; readonly image?: string }
  /**
   * An Alertmanager alert fires: freezes the environment unless a freeze in force holds it (a person's
   * is never replaced). A batch settles these against the file it reads (`settleStateEdits`).
   */
  | {
      readonly kind: "alert-firing";
      readonly environment: string;
      readonly freeze: Freeze & { readonly alert: string };
    }
  /** An alert resolved: lifts the environment's freeze only when that alert (fingerprint) placed it. */
  | {
      readonly kind: "alert-resolved";
      readonly environment: string;
      readonly alert: string;
      /** The lifted freeze's reason, for the commit message. */
      readonly reason?: string;
    };

/**
 * The file's new text after the edits, changed in place so a person's comments and order stay; the
 * whole file is written fresh only when there was none. Returns the old text when nothing changed.
 */
export function editState(text: string | undefined, edits: readonly StateEdit[]): string {
  const doc: Document = parseDocument(text === undefined || text.trim() === "" ? STATE_HEADER : text);
  if (!isMap(doc.contents)) doc.contents = doc.createNode({});
  for (const edit of edits) {
    switch (edit.kind) {
      case "freeze":
        doc.setIn(["freezes", edit.environment], doc.createNode(clean(edit.freeze)));
        break;
      case "unfreeze":
        doc.deleteIn(["freezes", edit.environment]);
        break;
      case "hold":
        doc.setIn(["holds", edit.environment, edit.image], doc.createNode(clean(edit.hold)));
        break;
      case "release":
        if (edit.image === undefined) doc.deleteIn(["holds", edit.environment]);
        else doc.deleteIn(["holds", edit.environment, edit.image]);
        if (emptyMap(doc.getIn(["holds", edit.environment]))) doc.deleteIn(["holds", edit.environment]);
        break;
      case "alert-firing":
      case "alert-resolved":
        applyAlertEdit(doc, edit);
        break;
    }
  }
  for (const key of ["freezes", "holds"]) if (emptyMap(doc.get(key))) deleteKeepingComment(doc, key);
  const next = doc.toString({ lineWidth: 0 });
  return text !== undefined && parseSame(text, next) ? text : next;
}

/** An alert's edit, by the rule that keeps people's freezes (`freezeAfterAlert`). */
function applyAlertEdit(doc: Document, edit: AlertEdit): void {
  const node = doc.getIn(["freezes", edit.environment]);
  const current = isMap(node) ? (node.toJSON() as Freeze) : undefined;
  const next = freezeAfterAlert(current, edit);
  if (next === current) return;
  if (next) doc.setIn(["freezes", edit.environment], doc.createNode(clean(next)));
  else doc.deleteIn(["freezes", edit.environment]);
}

function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

/** Deletes a top-level key; a comment above the first key belongs to the file, so it moves to the document. */
function deleteKeepingComment(doc: Document, key: string): void {
  const first = isMap(doc.contents) ? doc.contents.items[0] : undefined;
  const comment = (first?.key as { commentBefore?: string | null } | undefined)?.commentBefore;
  if (first && (first.key as { value?: unknown }).value === key && comment)
    doc.commentBefore = doc.commentBefore ? `${doc.commentBefore}\n${comment}` : comment;
  doc.delete(key);
}

function emptyMap(node: unknown): boolean {
  return isMap(node) && node.items.length === 0;
}

function parseSame(a: string, b: string): boolean {
  return JSON.stringify(parseDocument(a).toJS()) === JSON.stringify(parseDocument(b).toJS());
}
