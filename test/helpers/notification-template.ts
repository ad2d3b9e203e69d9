import { readFileSync } from "node:fs";
import { parse } from "yaml";

/** The `template.gitops-image-bot` webhook body of the snippet the app ships. */
export function shippedTemplateBody(): string {
  const text = readFileSync(
    new URL("../../deploy/argocd/argocd-notifications-cm.yaml", import.meta.url),
    "utf8",
  );
  const configMap = parse(text) as { data: Record<string, string> };
  const template = parse(configMap.data["template.gitops-image-bot"] ?? "") as {
    webhook: { "gitops-image-bot": { body: string } };
  };
  return template.webhook["gitops-image-bot"].body;
}

/**
 * Renders the subset of Go's text/template the shipped body uses, as Argo CD Notifications would:
 * `{{toJson .a.b}}` (Sprig's toJson: JSON, `null` for a missing field) and `{{with .a}}...{{else}}...{{end}}`
 * (dot becomes `.a` inside; the else branch when `.a` is missing, null, empty or false). Anything else
 * in a `{{ }}` throws, so a template that grows beyond this subset fails the test that uses it.
 */
export function renderTemplate(body: string, root: Record<string, unknown>): string {
  const tokens = body.split(/(\{\{[^}]*\}\})/);
  let position = 0;
  const render = (dot: unknown, stopAt: readonly string[]): { text: string; stop: string } => {
    let text = "";
    while (position < tokens.length) {
      const token = tokens[position++] ?? "";
      const action = /^\{\{\s*(.*?)\s*\}\}$/.exec(token)?.[1];
      if (action === undefined) {
        text += token;
        continue;
      }
      if (stopAt.includes(action)) return { text, stop: action };
      const toJson = /^toJson\s+(\.\S*)$/.exec(action);
      const withBlock = /^with\s+(\.\S*)$/.exec(action);
      if (toJson) text += JSON.stringify(lookup(root, dot, toJson[1] ?? ".") ?? null);
      else if (withBlock) {
        const value = lookup(root, dot, withBlock[1] ?? ".");
        const truthy = value !== undefined && value !== null && value !== false && value !== "";
        const then = render(truthy ? value : dot, ["else", "end"]);
        const otherwise = then.stop === "else" ? render(dot, ["end"]) : { text: "" };
        text += truthy ? then.text : otherwise.text;
      } else throw new Error(`the test's renderer does not know {{${action}}}`);
    }
    return { text, stop: "" };
  };
  return render(root, []).text;
}

function lookup(root: Record<string, unknown>, dot: unknown, path: string): unknown {
  if (path === ".") return dot;
  let value: unknown = dot === root ? root : dot;
  for (const key of path.slice(1).split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
