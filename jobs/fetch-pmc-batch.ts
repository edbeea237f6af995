import { z } from 'zod';
import { storeHeldFullTexts } from '../src/enrich/held-full-texts.ts';
import { efetchPmc } from '../src/ncbi/pmc-efetch.ts';
import type { JatsArticle } from '../src/parse/full-text.ts';
import { parseJatsXml } from '../src/parse/jats-stream.ts';
import type { JobContext } from '../src/queue/job-module.ts';
import { PMC_BATCH_SIZE as PMC_BATCH } from '../src/poll/batch-sizes.ts';
import { wellFormed } from '../src/text/well-formed.ts';
import { queueEnrichment } from './enrich-works.ts';
import type { BatchSummary, FetchResult } from './fetch-batch.ts';

/**
 * Fetch one batch of a poll's PMC search (JATS full texts), by PMCID: only those not stored yet
 * (see src/poll/plan-source.ts), so no full text is fetched twice. Each article
 * becomes a work matched by the watch, joined to its PubMed record by DOI, PMID or PMCID when
 * there is one (PubMed's metadata stays the record), else stored from its JATS metadata. The
 * JATS is at hand, so the cards are completed here, without fetching it again.
 */
export const name = 'fetch-pmc-batch';
export const queue = 'fetch';

/** JATS articles are large: 20 a request keeps a response at a few MB (src/poll/batch-sizes.ts). */
export const PMC_BATCH_SIZE = PMC_BATCH;

export const payloadSchema = z.object({
  watchId: z.string().min(1),
  db: z.literal('pmc'),
  pmcids: z
    .array(z.string().regex(/^PMC\d+$/))
    .min(1)
    .max(PMC_BATCH_SIZE),
  /** The poll stage's full-text pool, for the enrich jobs queued here. */
  fullTextScope: z.string().min(1).optional(),
});

export type Payload = z.infer<typeof payloadSchema>;

export async function process(payload: Payload, ctx: JobContext): Promise<FetchResult> {
  const { services, log } = ctx;
  const summary: BatchSummary = { received: 0, created: 0, updated: 0, unchanged: 0, duplicate: 0, deleted: 0, newToWatch: 0 };
  const pmcids = await leaveToOthers(payload, ctx, summary);
  const scoped = payload.fullTextScope ? { fullTextScope: payload.fullTextScope } : {};
  if (pmcids.length === 0) return { ...summary, toEnrich: 0, enrichJobs: [], ...scoped };
  const xml = await efetchPmc(services.ncbi, pmcids);
  const held: { key: string; jats: JatsArticle }[] = [];
  const onRecordError = (err: Error) => log.warn({ event: 'parse.jats_failed', err }, 'a PMC article could not be parsed; skipped');
  for (const jats of parseJatsXml(xml, { onRecordError })) {
    summary.received++;
    // As in fetch-batch.ts: an article PostgreSQL refuses is set aside, and the others are stored.
    const { stored, refused } = await services.works.upsertEach([jats.article], payload.watchId);
    const result = stored[0];
    if (!result) {
      await setAside(jats.article, refused[0]?.reason ?? 'refused', payload.watchId, ctx);
      summary.setAside = (summary.setAside ?? 0) + 1;
      continue;
    }
    summary[result.status]++;
    if (result.watchAdded) summary.newToWatch++;
    // A PubMed work PMC also holds: its PMCID is now known, so its enrichment need not ask the ID converter.
    if (result.status !== 'created' && !(await services.works.get(result.key))?.article.pmcid)
      await services.works.recordIdconv(result.key, jats.article.pmcid);
    held.push({ key: result.key, jats });
  }
  await storeHeldFullTexts(services, held);
  await services.setAside.clear(
    'pmc',
    held.flatMap((h) => (h.jats.article.pmcid ? [h.jats.article.pmcid] : [])),
  );
  const keys = held.map((h) => h.key);
  const enrichJobs = await queueEnrichment(services, keys, { jobIdBase: `enrich-new-${ctx.job.id ?? ''}`, watchId: payload.watchId, ...scoped });
  return { ...summary, toEnrich: keys.length, enrichJobs, ...scoped };
}

async function setAside(article: JatsArticle['article'], reason: string, watchId: string, ctx: JobContext): Promise<void> {
  const recordId = article.pmcid ?? '';
  const clean = wellFormed(reason.slice(0, 1000));
  ctx.log.warn({ event: 'fetch.record_set_aside', pmcid: recordId, reason: clean }, `${recordId} set aside: ${clean}`);
  await ctx.services.setAside.add([{ source: 'pmc', recordId, watchId, reason: clean, title: wellFormed(article.title.slice(0, 300)) }]);
}

/**
 * The PMCIDs this batch fetches. One another job is fetching right now (an enrichment that
 * learnt the PMCID of a work PubMed brought, in this same poll) belongs to a stored work: it is
 * only linked to the watch as found in PMC, so no full text is fetched twice.
 */
async function leaveToOthers(payload: Payload, ctx: JobContext, summary: BatchSummary): Promise<string[]> {
  const claimed = await ctx.services.enrichment.claimFullTexts(payload.pmcids, ctx.job.id ?? payload.pmcids.join(','));
  const elsewhere = payload.pmcids.filter((pmcid) => !claimed.has(pmcid));
  if (elsewhere.length === 0) return payload.pmcids;
  const known = await ctx.services.works.keysForPmcids(elsewhere);
  summary.newToWatch += await ctx.services.works.linkWatch([...known.values()], payload.watchId, 'pmc');
  return payload.pmcids.filter((pmcid) => claimed.has(pmcid) || !known.has(pmcid));
}
