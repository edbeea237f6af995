/** Whitespace that collapseSpace would change: any but a single inner space. */
const NEEDS_COLLAPSE = /[^\S ]| {2}|^ | $/;

/**
 * Record text can carry the XML's line breaks and indentation. In Markdown a blank line would
 * split a title or an abstract part in two, so runs of whitespace become one space. Most text
 * reaches here already collapsed by the parser, and a card asks for the same text several
 * times: then it is returned as it is, without building a copy.
 */
export function collapseSpace(text: string): string {
  if (!NEEDS_COLLAPSE.test(text)) return text;
  return text.replace(/\s+/g, ' ').trim();
}
