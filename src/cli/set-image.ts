import { parseArgs } from "node:util";
import { createTwoFilesPatch } from "diff";
import {
  MAX_MANIFEST_BYTES,
  parseSetImageArg,
  refusalText,
  setImages,
  type Change,
  type FormatName,
  type ImageUpdate,
} from "../core/index.js";
import type { CliIo } from "./cli-io.js";
import { EXIT } from "./exit-codes.js";

export const SET_IMAGE_USAGE = `Usage: gitops-image-bot set-image [--dry-run] [--format F] <file> <ref>...

Sets image references in a kustomization, Helm values file or Kubernetes manifests,
changing only the values' text. <ref> uses kustomize's syntax:
  NAME:TAG  NAME@DIGEST  NAME:TAG@DIGEST  NAME=NEWNAME[:TAG][@DIGEST]   (* keeps a value)

Options:
  --dry-run     print a unified diff and write nothing
  --format F    kustomization | helm-values | manifests (default: detected)

Exit codes: 0 written or up to date, 2 bad input (also a file over ${MAX_MANIFEST_BYTES / 1024} KiB, or YAML
aliases that expand too far), 3 image not referenced, 1 anything else.
`;

const FORMAT_NAMES: readonly FormatName[] = ["kustomization", "helm-values", "manifests"];

function describe(change: Change): string {
  const value = (text: string | undefined) => (text === undefined ? "(none)" : text === "" ? '""' : text);
  return `${change.field}: ${value(change.from)} -> ${value(change.to)}`;
}

export async function setImageCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        "dry-run": { type: "boolean" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    io.stderr(`gitops-image-bot set-image: ${(error as Error).message}\n\n${SET_IMAGE_USAGE}`);
    return EXIT.badInput;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout(SET_IMAGE_USAGE);
    return EXIT.ok;
  }
  const [file, ...refs] = positionals;
  if (file === undefined || refs.length === 0) {
    io.stderr(
      `gitops-image-bot set-image: give a file and at least one image reference\n\n${SET_IMAGE_USAGE}`,
    );
    return EXIT.badInput;
  }
  const format = values.format as FormatName | undefined;
  if (format !== undefined && !FORMAT_NAMES.includes(format)) {
    io.stderr(`${file}: unknown --format "${format}": use one of ${FORMAT_NAMES.join(", ")}\n`);
    return EXIT.badInput;
  }

  const updates: ImageUpdate[] = [];
  for (const ref of refs) {
    const update = parseSetImageArg(ref);
    if (!update.ok) {
      io.stderr(`${file}: ${update.error.message}; the file is untouched\n`);
      return EXIT.badInput;
    }
    updates.push(update.value);
  }

  let text: string;
  try {
    // A file over the limit is refused unread, as the app refuses it (the parse would refuse it too).
    const bytes = (await io.fileSize?.(file)) ?? 0;
    if (bytes > MAX_MANIFEST_BYTES) {
      const refusal = { reason: "file-too-large" as const, bytes, limit: MAX_MANIFEST_BYTES };
      io.stderr(`${file}:1:1: ${refusalText(refusal)}; the file is untouched\n`);
      return EXIT.badInput;
    }
    text = await io.readFile(file);
  } catch (error) {
    io.stderr(`${file}: cannot read the file: ${(error as Error).message}\n`);
    return EXIT.failure;
  }

  const result = setImages({ path: file, text, updates, ...(format === undefined ? {} : { format }) });
  if (!result.ok) {
    const { line, column, message } = result.error;
    io.stderr(`${file}:${line}:${column}: ${message}; the file is untouched\n`);
    return EXIT.badInput;
  }
  if (result.skips.length > 0) {
    for (const skip of result.skips) {
      io.stderr(`${"line" in skip ? `${file}:${skip.line}:1` : file}: ${skip.message}\n`);
    }
    io.stderr(`${file}: nothing written\n`);
    return result.skips.every((skip) => skip.reason === "not-referenced") ? EXIT.notReferenced : EXIT.failure;
  }
  if (!result.changed) {
    io.stderr(`${file}: already up to date\n`);
    return EXIT.ok;
  }
  if (values["dry-run"] === true) {
    io.stdout(createTwoFilesPatch(`a/${file}`, `b/${file}`, text, result.text));
    return EXIT.ok;
  }
  try {
    await io.writeFile(file, result.text);
  } catch (error) {
    io.stderr(`${file}: cannot write the file: ${(error as Error).message}\n`);
    return EXIT.failure;
  }
  for (const change of result.changes)
    io.stdout(`${file}:${change.line}: ${change.image} ${describe(change)}\n`);
  return EXIT.ok;
}
