import { isMapping } from "./is-mapping.js";

/**
 * The reference part of docs/configuration.md, rendered from the JSON Schema: one section per key,
 * nested keys by their path (`sources[].tag`, `environments.<name>.mode`).
 */
export function renderConfigReference(schema: Record<string, unknown>): string {
  const sections: string[] = [];
  renderProperties(schema, "", sections);
  return sections.join("\n\n");
}

function renderProperties(schema: Record<string, unknown>, prefix: string, sections: string[]): void {
  const properties = isMapping(schema["properties"]) ? schema["properties"] : {};
  const required = Array.isArray(schema["required"]) ? schema["required"] : [];
  for (const [key, property] of Object.entries(properties)) {
    if (!isMapping(property)) continue;
    const path = `${prefix}${key}`;
    const presence = required.includes(key)
      ? "Required."
      : "default" in property
        ? `Default: \`${flow(property["default"])}\`.`
        : "Optional.";
    sections.push(
      `### \`${path}\`\n\n${capitalize(typeOf(property))}. ${presence}\n\n${String(property["description"] ?? "")}`,
    );
    const items = property["items"];
    const values = property["additionalProperties"];
    if (isMapping(items) && items["type"] === "object") renderProperties(items, `${path}[].`, sections);
    else if (isMapping(values) && values["type"] === "object")
      renderProperties(values, `${path}.<name>.`, sections);
    else if (property["type"] === "object") renderProperties(property, `${path}.`, sections);
  }
}

function typeOf(property: Record<string, unknown>): string {
  const type = property["type"];
  const options = property["enum"];
  if (Array.isArray(options)) {
    const quoted = options.map((option) => `\`${String(option)}\``);
    return `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1) ?? ""}`;
  }
  if (type === "array") {
    const items = isMapping(property["items"]) ? property["items"] : {};
    const what =
      items["type"] === "object"
        ? "mappings"
        : Array.isArray(items["enum"])
          ? typeOf(items)
          : `${typeOf(items)}s`;
    const atLeast = typeof property["minItems"] === "number" ? ` (at least ${property["minItems"]})` : "";
    return `list of ${what}${atLeast}`;
  }
  if (
    type === "integer" &&
    typeof property["minimum"] === "number" &&
    typeof property["maximum"] === "number"
  ) {
    return `integer, ${property["minimum"]} to ${property["maximum"]}`;
  }
  const names = isMapping(property["propertyNames"]) ? property["propertyNames"]["pattern"] : undefined;
  if (type === "object" && typeof names === "string") return `mapping; its keys match \`${names}\``;
  if (type === "object") return "mapping";
  return typeof type === "string" ? type : "any value";
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A default as it would be written in the file: `[push]`, `{ statuses: true }`. */
function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(", ")}]`;
  if (isMapping(value))
    return `{ ${Object.entries(value)
      .map(([key, item]) => `${key}: ${flow(item)}`)
      .join(", ")} }`;
  return String(value);
}
