// Catalog text (schemas, descriptions, config values) is literal: Terraform must not read
// `${…}` or `%{…}` in it as template syntax.

export function literal(text: string): string {
  // Most text has no template syntax at all: one scan finds out.
  if (!TEMPLATE.test(text)) return text;
  return text.replace(/\$\{/g, '$$${').replace(/%\{/g, '%%{');
}

const TEMPLATE = /[$%]\{/;

/** A `for_each`/`each.value` key path safe to embed in an expression: `["orders/x"]`. */
export function index(key: string): string {
  return `[${JSON.stringify(key)}]`;
}
