import { z } from 'zod';
import { storeHeldFullTexts } from '../src/enrich/held-full-texts.ts';
import { recordFailedTry } from '../src/enrich/enrich-failures.ts';
import { efetchPmc, PMC_FETCH_BATCH } from '../src/ncbi/pmc-efetch.ts';
import type { JatsArticle } from '../src/parse/full-text.ts';
import { parseJatsXml } from '../src/parse/jats-stream.ts';
import type { JobContext } from '../src/queue/job-module.ts';
import type { Services } from '../src/services.ts';
import type { WantedFullText } from '../src/store/full-text-pool.ts';

/**
 * One PMC full-text request: up to 20 works' JATS, fetched by PMCID and stored with their
 * offline tags (src/enrich/held-full-texts.ts). Queued by enrich-works jobs through the pool of
 * their poll (src/store/full-text-pool.ts), so a poll makes ceil(F/20) such requests for its F
 * works with a PMCID. On a queue of their own, so they never wait behind the fetches of PubMed
 * records (nor hold them up) and get a concurrency of their own.
 * A work PMC has no article for (withdrawn, embargoed) is recorded as such, so it is not asked
 * for again. BullMQ retries a failed request with backoff; failed for good, the works stay
 * pending and a later poll tries them again.
 */
export const name = 'fetch-full-texts';
export const queue = 'fulltext';

export const payloadSchema = z.object({
  works: z
    .array(z.object({ pmcid: z.string().regex(/^PMC\d+$/), workKey: z.string().min(1) }))
    .min(1)
    .max(PMC_FETCH_BATCH),
  watchId: z.string().optional(),
});

export type Payload = z.infer<typeof payloadSchema>;

export interface FullTextSummary {
  asked: number;
  fetched: number;
  /** PMC returned no article for these. */
  absent: number;
  /** Stored already (by another job) when this one ran: not asked for. */
  stored: number;
}

export async function process(payload: Payload, ctx: JobContext): Promise<FullTextSummary> {
  const { services, log } = ctx;
  const keys = payload.works.map((w) => w.workKey);
  const stored = await services.enrichment.haveFullText(keys);
  const wanted = payload.works.filter((w) => !stored.has(w.workKey));
  const summary: FullTextSummary = { asked: wanted.length, fetched: 0, absent: 0, stored: stored.size };
  if (wanted.length > 0) {
    const xml = await efetchPmc(
      services.ncbi,
      wanted.map((w) => w.pmcid),
    );
    const jats = new Map<string, JatsArticle>();
    const onRecordError = (err: Error) => log.warn({ event: 'parse.jats_failed', err }, 'a PMC article could not be parsed; skipped');
    for (const article of parseJatsXml(xml, { onRecordError })) jats.set(article.article.pmcid, article);
    const held = wanted.flatMap((w) => {
      const article = jats.get(w.pmcid);
      return article ? [{ key: w.workKey, jats: article }] : [];
    });
    await storeHeldFullTexts(services, held);
    for (const w of wanted.filter((w) => !jats.has(w.pmcid))) {
      // PMC returned nothing for it (withdrawn, embargoed): recorded, so it is not asked for again.
      await services.enrichment.saveFullText(w.workKey, { pmcid: w.pmcid, hasBody: false, figures: [], referenceCount: 0 });
    }
    summary.fetched = held.length;
    summary.absent = wanted.length - held.length;
  }
  await services.enrichment.pending.fullTextDone(keys);
  return summary;
}

/** Failed for good: the works stay pending with the full text missing, tried again by a later poll with backoff. */
export async function onFinalFailure(payload: Payload, ctx: JobContext, err: Error): Promise<void> {
  const keys = payload.works.map((w) => w.workKey);
  await recordFailedTry(ctx.services.enrichment.pending, keys, ['full text'], err.message, ctx.services.now().getTime());
}

/** One job per batch the pool handed out (each batch is handed out once: plain ids). */
export async function queueFullTexts(services: Services, batches: WantedFullText[][], watchId?: string): Promise<void> {
  if (batches.length === 0) return;
  await services.queues.fulltext.addBulk(batches.map((works) => ({ name, data: { works, ...(watchId ? { watchId } : {}) } })));
}
