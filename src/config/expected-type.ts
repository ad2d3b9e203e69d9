/** Zod's expected types as a person would say them. */
export const EXPECTED: Readonly<Record<string, string>> = {
  string: "a string",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
  boolean: "true or false",
  number: "a number",
  int: "a whole number",
};
