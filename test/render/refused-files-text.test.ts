// Refused manifests files in words: the dashboard's "needs attention" item and the check run's output.
// Paths come from the repository: rendered as code, never as markdown of their own.
import {
  refusedFileItem,
  refusedFileLine,
  refusedFilesCheckOutput,
  type RefusedFileInfo,
} from "../../src/core/render/refused-files-text.js";
import { dashboardBody } from "../../src/core/render/dashboard.js";
import { EMPTY_STATE, parseState } from "../../src/state/state-file.js";

const LARGE: RefusedFileInfo = {
  path: "apps/huge/dev/kustomization.yaml",
  refusal: { reason: "file-too-large", bytes: 1_037_893, limit: 262_144 },
};
const BOMB: RefusedFileInfo = {
  path: "apps/`x`@alice [a](http://e.vil)/kustomization.yaml",
  refusal: { reason: "too-many-aliases", aliases: 72, limit: 100, line: 4, column: 8 },
};

test.each([
  [
    LARGE,
    "apps/huge/dev/kustomization.yaml:1:1: the file is too large to read: 1,037,893 bytes, over the limit of 262,144 (split it, or move it out of the environments' paths)",
  ],
  [
    BOMB,
    'apps/`x`@alice [a](http://e.vil)/kustomization.yaml:4:8: the file\'s 72 YAML aliases expand past the limit of 100 (a "billion laughs" file): refusing to read it (write the values out instead of aliasing them)',
  ],
])("refusedFileLine is file:line:column: problem", (file, line) => {
  expect(refusedFileLine(file)).toBe(line);
});

test("a dashboard item shows the path as code: its backticks, mention and link stay text", () => {
  expect(refusedFileItem(BOMB)).toBe(
    "``apps/`x`@alice [a](http://e.vil)/kustomization.yaml`` (line 4) is not read, so no build is written to it: " +
      'the file\'s 72 YAML aliases expand past the limit of 100 (a "billion laughs" file): refusing to read it (write the values out instead of aliasing them)',
  );
});

test("the dashboard lists refused files under Needs attention", () => {
  const body = dashboardBody({
    repository: "acme/manifests",
    branch: "main",
    environments: ["dev"],
    rows: [],
    state: EMPTY_STATE,
    now: 0,
    depth: 30,
    pulls: [],
    lastError: undefined,
    unread: 0,
    refused: [LARGE],
  });
  expect(body).toContain(
    "## Needs attention\n\n- `apps/huge/dev/kustomization.yaml` is not read, so no build is written to it: the file is too large to read",
  );
});

test("the check run is neutral, with a warning annotation per file and the lines in a code block", () => {
  const output = refusedFilesCheckOutput([LARGE, BOMB]);
  expect(output.conclusion).toBe("neutral");
  expect(output.title).toBe("2 manifests files are not read: builds are not written to them");
  expect(output.annotations).toEqual([
    [
      expect.objectContaining({ path: LARGE.path, start_line: 1, annotation_level: "warning" }),
      expect.objectContaining({
        path: BOMB.path,
        start_line: 4,
        start_column: 8,
        annotation_level: "warning",
      }),
    ],
  ]);
  expect(output.summary).toContain("```text\napps/huge/dev/kustomization.yaml:1:1: the file is too large");
  expect(refusedFilesCheckOutput([LARGE]).title).toBe(
    "1 manifests file is not read: builds are not written to it",
  );
});

test("an alias bomb in the holds and freezes file is a problem with a line, not an exception", () => {
  const bomb = `freezes: {}\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`;
  expect(parseState(bomb)).toEqual({
    ok: false,
    line: 1,
    column: 1,
    message: expect.stringContaining("Excessive alias count"),
  });
});
