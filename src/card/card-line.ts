import type { PubmedArticle } from '../parse/article.ts';
import { workKeyFor } from '../store/doi.ts';
import { cardJson } from './card-json.ts';
import type { CardInput } from './card-input.ts';
import { renderCard } from './render-card.ts';

export type CardFormat = 'json' | 'markdown';

/**
 * What `litwatch card` prints for one article: one JSON line (`--json`), or the Markdown card.
 * The same function runs in the CLI's thread and in its card workers, so both print the same.
 */
export function cardLine(article: PubmedArticle, input: CardInput, format: CardFormat): string {
  return format === 'json' ? JSON.stringify({ key: workKeyFor(article), ...cardJson(input) }) : renderCard(input);
}
