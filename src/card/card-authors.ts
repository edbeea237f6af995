import type { Author } from '../parse/article.ts';
import { escapeTagOpeners } from '../text/escape-tag-openers.ts';

/**
 * Authors in record order, joined by `, `, in card form (tag openers escaped, as all record
 * text on a card is). Empty string when there are none: each caller words that case itself.
 */
export function formatAuthors(authors: readonly Author[]): string {
  let formatted = lines.get(authors);
  if (formatted === undefined) {
    formatted = authors
      .map(formatAuthor)
      .filter((name) => name !== '')
      .map(escapeTagOpeners)
      .join(', ');
    lines.set(authors, formatted);
  }
  return formatted;
}

/** The line of each author list already formatted: a card and its JSON both print it. */
const lines = new WeakMap<readonly Author[], string>();

/** `{ForeName} {LastName} {Suffix}`, initials standing in for a missing fore name; a group as written. */
export function formatAuthor(author: Author): string {
  if (author.collectiveName) return author.collectiveName.trim();
  let name = '';
  for (const part of [author.foreName ?? author.initials, author.lastName, author.suffix]) {
    const trimmed = part?.trim();
    if (trimmed) name = name === '' ? trimmed : `${name} ${trimmed}`;
  }
  return name;
}
