import type { AbstractPart } from '../parse/article.ts';
import { escapeTagOpeners } from '../text/escape-tag-openers.ts';
import type { CardParagraph } from './card-view.ts';
import { collapseSpace } from './collapse-space.ts';

export const NO_ABSTRACT: CardParagraph = { note: 'No abstract available.' };

/**
 * The abstract's paragraphs: one per part, in order, a structured part led by its label
 * (`**Background:** ...` in Markdown). Part text is already in card form; labels are plain
 * record text, so they get their tag openers escaped here.
 */
export function abstractParagraphs(parts: readonly AbstractPart[]): CardParagraph[] {
  const paragraphs = parts
    .map((part) => ({ label: part.label?.trim().replace(/:$/, ''), text: collapseSpace(part.text) }))
    .filter((part) => part.text !== '')
    .map(({ label, text }) => (label ? { label: escapeTagOpeners(displayLabel(label)), text } : { text }));
  return paragraphs.length > 0 ? paragraphs : [NO_ABSTRACT];
}

/** True when at least one part has text: a record may carry empty `AbstractText` elements. */
export function hasAbstract(parts: readonly AbstractPart[]): boolean {
  return parts.some((part) => collapseSpace(part.text) !== '');
}

/** Lower-case words stay lower case inside a title-cased label ("Materials and Methods"). */
const MINOR_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with']);

/**
 * PubMed shouts most labels (`BACKGROUND`, `MATERIALS AND METHODS`); the seed shows them in
 * title case. Only all-caps labels are recased: a label the record already writes in mixed
 * case ("Methods", "mRNA findings") is its authors' choice and kept.
 */
export function displayLabel(label: string): string {
  let shown = displayed.get(label);
  if (shown === undefined) {
    shown = /\p{Ll}/u.test(label)
      ? label
      : label
          .toLowerCase()
          .replace(/\p{L}+/gu, (word, offset: number) => (offset > 0 && MINOR_WORDS.has(word) ? word : word[0]!.toUpperCase() + word.slice(1)));
    if (displayed.size >= MAX_DISPLAYED) displayed.clear();
    displayed.set(label, shown);
  }
  return shown;
}

/** Labels already recased: a few dozen (BACKGROUND, METHODS...) head most abstracts. */
const displayed = new Map<string, string>();
const MAX_DISPLAYED = 1000;
