/** Whitespace other than the plain space (any of it makes collapseSpace change the text). */
const OTHER_SPACE = /[^\S ]/;

/**
 * Record text can carry the XML's line breaks and indentation. In Markdown a blank line would
 * split a title or an abstract part in two, so runs of whitespace become one space. Most text
 * reaches here already collapsed by the parser, and a card asks for the same text several
 * times: then it is returned as it is, without building a copy.
 */
export function collapseSpace(text: string): string {
  // Whitespace but single inner spaces: a leading or trailing space, two in a row, or any other
  // whitespace character (tested apart: one regex with the four alternatives tried all of them
  // at every position, ~4% of a card's time)
  const changes = text.charCodeAt(0) === 32 || text.charCodeAt(text.length - 1) === 32 || text.includes('  ') || OTHER_SPACE.test(text);
  if (!changes) return text;
  return text.replace(/\s+/g, ' ').trim();
}
