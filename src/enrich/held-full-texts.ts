import type { JatsArticle } from '../parse/full-text.ts';
import type { Services } from '../services.ts';
import { tagLocally } from './tag-locally.ts';

/**
 * Full texts just fetched from PMC, stored at once: each work's full text, and offline tags over
 * the JATS body for works PubTator has not annotated (none yet, or only offline tags from the
 * abstract: the body is richer). PubTator's own annotations replace them once it has the work.
 * The JATS body is not stored, so this is the only moment the tags can be made from it.
 */
export async function storeHeldFullTexts(services: Services, held: { key: string; jats: JatsArticle }[]): Promise<void> {
  const vocabulary = await services.vocabulary();
  for (const { key, jats } of held) {
    await services.enrichment.saveFullText(key, jats.fullText);
    const existing = vocabulary && (await services.enrichment.entities(key));
    if (!vocabulary || existing?.source === 'pubtator' || existing?.scope === 'fulltext') continue;
    const work = await services.works.get(key);
    if (!work) continue;
    await services.enrichment.saveEntities(key, tagLocally(vocabulary, work.article, jats));
    await services.enrichment.retryUntil(key, work.firstSeen + services.config().enrichment.pubtatorRetryDays * 86_400_000);
  }
}
