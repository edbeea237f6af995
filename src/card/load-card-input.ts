import type { Config } from '../config/load-config.ts';
import type { EnrichmentStore } from '../store/enrichment-store.ts';
import type { NoticeStore } from '../store/notice-store.ts';
import type { StoredWork } from '../store/work-store.ts';
import { boundedCardInput } from './bounded-card.ts';
import type { CardInput } from './card-input.ts';

/**
 * A stored work with everything enrichment added, ready to render. Watches are named as the
 * config names them now; a watch removed since is shown by its id. Every field is cut to
 * what a card shows (bounded-card.ts): the store keeps the record whole, and every page, feed
 * and digest reads it through here.
 */
export async function loadCardInput(work: StoredWork, enrichment: EnrichmentStore, config: Config, noticeStore?: NoticeStore): Promise<CardInput> {
  const [fullText, entities, summary, notices, pending] = await Promise.all([
    enrichment.fullText(work.key),
    enrichment.entities(work.key),
    enrichment.summary(work.key),
    noticeStore ? noticeStore.forWork(work.key) : Promise.resolve([]),
    enrichment.pending.get(work.key),
  ]);
  const names = new Map(config.watches.map((w) => [w.id, w.name]));
  return boundedCardInput({
    article: work.article,
    matched: work.watches.map((id) => names.get(id) ?? id),
    ...(fullText ? { fullText } : {}),
    ...(entities ? { entities } : {}),
    ...(summary ? { summary } : {}),
    ...(notices.length > 0 ? { notices } : {}),
    ...(pending ? { pending: { steps: pending.steps ?? [], retrying: pending.attempts > 0 } } : {}),
  });
}
