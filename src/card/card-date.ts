import type { Article, PartialDate } from '../parse/article.ts';

/** `YYYY-MM-DD`, `YYYY-MM` or `YYYY`: as precise as the record is, never more. */
export function isoPartialDate(date: PartialDate): string {
  const year = String(date.year).padStart(4, '0');
  if (date.month === undefined) return year;
  const month = `${year}-${pad2(date.month)}`;
  return date.day === undefined ? month : `${month}-${pad2(date.day)}`;
}

/**
 * The date a reader cares about: the electronic publication date when the record has one
 * (it is when the work became readable), else the date (CARD.md, date).
 */
export function articleDate(article: Article): string | undefined {
  const date = article.electronicDate ?? article.pubDate;
  return date === undefined ? undefined : isoPartialDate(date);
}

/** The card's date field: {@link articleDate}, or `—` when the record has no date at all. */
export function cardDate(article: Article): string {
  return articleDate(article) ?? '—';
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
