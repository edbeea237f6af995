/**
 * Record text can carry the XML's line breaks and indentation. In Markdown a blank line would
 * split a title or an abstract part in two, so runs of whitespace become one space.
 */
export function collapseSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
