import type { Author } from '../parse/article.ts';
import { escapeTagOpeners } from '../text/escape-tag-openers.ts';

/**
 * Authors in record order, joined by `, `, in card form (tag openers escaped, as all record
 * text on a card is). Empty string when there are none: each caller words that case itself.
 */
export function formatAuthors(authors: readonly Author[]): string {
  return authors
    .map(formatAuthor)
    .filter((name) => name !== '')
    .map(escapeTagOpeners)
    .join(', ');
}

/** `{ForeName} {LastName} {Suffix}`, initials standing in for a missing fore name; a group as written. */
export function formatAuthor(author: Author): string {
  if (author.collectiveName) return author.collectiveName.trim();
  const given = author.foreName ?? author.initials;
  return [given, author.lastName, author.suffix]
    .map((part) => part?.trim())
    .filter((part): part is string => Boolean(part))
    .join(' ');
}
