import type { JatsArticle } from '../parse/full-text.ts';
import type { Services } from '../services.ts';
import { tagLocally } from './tag-locally.ts';

/**
 * What a PMC fetch already holds, stored at once without asking any service: each work's full
 * text, and offline tags over the JATS body for works without entities yet (the enrich-works
 * job queued next asks PubTator, which replaces them once it has the work). The JATS body is
 * not stored, so this is the only moment the tags can be made from the full text.
 */
export async function storeHeldFullTexts(services: Services, held: { key: string; jats: JatsArticle }[]): Promise<void> {
  const vocabulary = await services.vocabulary();
  for (const { key, jats } of held) {
    await services.enrichment.saveFullText(key, jats.fullText);
    if (!vocabulary || (await services.enrichment.entities(key))) continue;
    const work = await services.works.get(key);
    if (!work) continue;
    await services.enrichment.saveEntities(key, tagLocally(vocabulary, work.article, jats));
    await services.enrichment.retryUntil(key, work.firstSeen + services.config().enrichment.pubtatorRetryDays * 86_400_000);
  }
}
