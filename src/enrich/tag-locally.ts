import type { WorkEntities } from '../entities/entity-types.ts';
import { tagText } from '../entities/tagger.ts';
import type { Vocabulary } from '../entities/vocabulary.ts';
import { buildWorkEntities } from '../entities/work-entities.ts';
import type { Article } from '../parse/article.ts';
import type { JatsArticle } from '../parse/full-text.ts';
import { cardTextToPlain } from '../text/card-text-to-plain.ts';

/**
 * Entities from litwatch's own vocabulary for a work PubTator has not annotated yet: over the
 * PMC full text when it was fetched, else over the title and abstract. Passages are laid end to
 * end (one space apart) so offsets order mentions like PubTator's do.
 */
export function tagLocally(vocabulary: Vocabulary, article: Article, jats?: JatsArticle, now = Date.now()): WorkEntities {
  const texts = jats?.passages.map((p) => p.text) ?? [cardTextToPlain(article.title), ...article.abstract.map((part) => cardTextToPlain(part.text))];
  const passages: { text: string; offset: number }[] = [];
  let offset = 0;
  for (const text of texts) {
    passages.push({ text, offset });
    offset += text.length + 1;
  }
  const scope = jats?.fullText.hasBody ? 'fulltext' : 'abstract';
  return buildWorkEntities({ source: 'local', scope, pmid: article.pmid, pmcid: article.pmcid, mentions: tagText(vocabulary, passages) }, vocabulary, now);
}
