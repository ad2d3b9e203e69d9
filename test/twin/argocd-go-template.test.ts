import { describe, expect, it } from "@jest/globals";
import { goJson, parseGoTemplate } from "../../twin/argocd/go-template.js";
import { parseCondition } from "../../twin/argocd/trigger-expr.js";

const render = (source: string, data: unknown): string => parseGoTemplate("t", source).execute(data);

describe("go-template (Argo CD Notifications' text/template subset)", () => {
  it("prints fields, Go's <no value> for a missing key, and toJson null for it", () => {
    expect(render("{{.a.b}}", { a: { b: "x" } })).toBe("x");
    expect(render("{{.a.missing}}", { a: {} })).toBe("<no value>");
    expect(render("{{.missing.deeper}}", {})).toBe("<no value>");
    expect(render("{{toJson .a.missing}}", { a: {} })).toBe("null");
    expect(render("{{toJson .a}}", { a: { z: 1, b: ["<&>"] } })).toBe(
      '{"b":["\\u003c\\u0026\\u003e"],"z":1}',
    );
    expect(render("{{.m}}", { m: { b: 2, a: [1, "x"] } })).toBe("map[a:[1 x] b:2]");
  });

  it("fails on a field of a nil value, as Go does", () => {
    expect(() => render("{{.a.b.c}}", { a: { b: null } })).toThrow("nil pointer evaluating interface {}.c");
    expect(() => render("{{toJson .a.b.c}}", { a: { b: null } })).toThrow(
      "nil pointer evaluating interface {}.c",
    );
    expect(() => render("{{.a.b}}", { a: "text" })).toThrow("can't evaluate field b");
  });

  it("if/else and with/else, with with rebinding the dot, $ for the root and trim markers", () => {
    expect(render("{{if .a}}yes{{else}}no{{end}}", { a: "x" })).toBe("yes");
    expect(render("{{if .a}}yes{{else}}no{{end}}", { a: "" })).toBe("no");
    expect(render("{{if .a}}yes{{else}}no{{end}}", { a: [] })).toBe("no");
    expect(render("{{if .a}}yes{{end}}", {})).toBe("");
    expect(render("{{with .op}}{{toJson .phase}}{{else}}null{{end}}", { op: { phase: "Running" } })).toBe(
      '"Running"',
    );
    expect(render("{{with .op}}{{toJson .phase}}{{else}}null{{end}}", {})).toBe("null");
    expect(render("{{with .op}}{{$.name}}{{end}}", { op: { x: 1 }, name: "n" })).toBe("n");
    expect(render("a  {{- .x -}}  b", { x: 1 })).toBe("a1b");
  });

  it("refuses what it does not implement, when parsed", () => {
    expect(() => parseGoTemplate("t", "{{range .items}}x{{end}}")).toThrow(/unsupported/);
    expect(() => parseGoTemplate("t", '{{eq .a "b"}}')).toThrow(/unsupported/);
    expect(() => parseGoTemplate("t", "{{if .a}}open")).toThrow(/EOF/);
  });

  it("toJson keeps quotes and newlines valid JSON, with Go's escapes", () => {
    const text = 'Deployment "api" exceeded\nits deadline \u2028';
    expect(JSON.parse(goJson(text))).toBe(text);
  });
});

describe("trigger conditions (expr-lang subset)", () => {
  const app = (status: unknown) => ({ app: { status } });
  it("evaluates ==, !=, in, and, nil with a guard", () => {
    const deployed = parseCondition(
      "app.status.operationState != nil and app.status.operationState.phase in ['Succeeded'] and app.status.health.status == 'Healthy'",
    );
    expect(
      deployed.evaluate(app({ operationState: { phase: "Succeeded" }, health: { status: "Healthy" } })),
    ).toBe(true);
    expect(
      deployed.evaluate(app({ operationState: { phase: "Running" }, health: { status: "Healthy" } })),
    ).toBe(false);
    expect(deployed.evaluate(app({ health: { status: "Healthy" } }))).toBe(false);
  });
  it("a field of nil is an error, as in expr-lang", () => {
    expect(() =>
      parseCondition("app.status.operationState.phase in ['Succeeded']").evaluate(app({})),
    ).toThrow("cannot fetch phase from <nil>");
  });
  it("refuses forms it does not implement", () => {
    expect(() => parseCondition("app.status.health.status == 'Healthy' or true")).toThrow(/unsupported/);
    expect(() => parseCondition("time.Now() > 3")).toThrow(/unsupported/);
    expect(() => parseCondition("app.status.sync.status")).toThrow(/unsupported/);
  });
});
