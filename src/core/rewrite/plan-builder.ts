import { isScalar, type YAMLMap } from "yaml";
import { insertPair, pairOf, removePair, replaceValue, stringValue } from "./map-edits.js";
import type { Change, FormatPlan, Skip, ValuePath } from "./rewrite-types.js";
import type { TextEdit } from "./text-edit.js";
import { UnsupportedEdit } from "./unsupported-edit.js";
import { positionOf, type YamlFile } from "./yaml-file.js";

/** The map being written, and where it sits, for one requested image. */
export interface MapTarget {
  readonly image: string;
  readonly docIndex: number;
  readonly path: ValuePath;
  readonly map: YAMLMap;
}

/** Collects edits, changes and skips; each image's edits land all together or not at all. */
export class PlanBuilder {
  private readonly edits: TextEdit[] = [];
  private readonly changes: Change[] = [];
  private readonly skips: Skip[] = [];
  private pending: { edits: TextEdit[]; changes: Change[] } | undefined;

  constructor(readonly file: YamlFile) {}

  lineOf(offset: number): number {
    return positionOf(this.file.lines, offset).line;
  }

  /** The line an inserted edit's text starts on (an insertion may begin with the line break). */
  insertionLine(edit: TextEdit): number {
    return this.lineOf(edit.start) + (edit.text.startsWith(this.file.eol) ? 1 : 0);
  }

  /** Runs `work` for one image; an UnsupportedEdit discards its edits and records a skip instead. */
  attempt(image: string, work: () => void): void {
    this.pending = { edits: [], changes: [] };
    try {
      work();
      this.edits.push(...this.pending.edits);
      this.changes.push(...this.pending.changes);
    } catch (error) {
      if (!(error instanceof UnsupportedEdit)) throw error;
      const line = this.lineOf(error.offset);
      this.skips.push({ reason: error.reason, image, line, message: `${image}: ${error.detail}` });
    } finally {
      this.pending = undefined;
    }
  }

  skip(skip: Skip): void {
    this.skips.push(skip);
  }

  add(edits: readonly TextEdit[], changes: readonly Change[]): void {
    const target = this.pending ?? { edits: this.edits, changes: this.changes };
    target.edits.push(...edits);
    target.changes.push(...changes);
  }

  /** Sets `key` to `value` (adding the key if absent), or removes it when `value` is undefined. */
  setField(target: MapTarget, key: string, value: string | undefined): void {
    const { image, docIndex, path, map } = target;
    const pair = pairOf(map, key);
    const from = stringValue(map, key);
    // A value with the right text but read as a number or boolean (newTag: 1.10) is rewritten, quoted.
    const isString = isScalar(pair?.value) && typeof pair.value.value === "string";
    if (from === value && (value === undefined || isString)) return;
    const base = { image, field: key, docIndex, path: [...path, key] };
    if (pair === undefined) {
      const edit = insertPair(this.file, map, key, value as string);
      this.add([edit], [{ ...base, to: value, line: this.insertionLine(edit) }]);
      return;
    }
    const line = this.lineOf((pair.key as { range: [number] }).range[0]);
    const edit =
      value === undefined ? removePair(this.file, map, pair) : replaceValue(this.file, pair, value);
    this.add(
      [edit],
      [
        {
          ...base,
          ...(from === undefined ? {} : { from }),
          ...(value === undefined ? {} : { to: value }),
          line,
        },
      ],
    );
  }

  result(): FormatPlan {
    return { edits: this.edits, changes: this.changes, skips: this.skips };
  }
}
