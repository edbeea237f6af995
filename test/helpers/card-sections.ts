import assert from 'node:assert/strict';

/** The body of one `## heading` section of a Markdown card: the text up to the next heading or the `---` rule. */
export function sectionBody(card: string, heading: string): string {
  const start = card.indexOf(`## ${heading}\n\n`);
  assert.notEqual(start, -1, `no section ${heading}`);
  const body = card.slice(start + heading.length + 5);
  return body.slice(0, body.search(/\n(?:## |---\n)|$/)).trim();
}
