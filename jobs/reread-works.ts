import { z } from 'zod';
import { efetchByIds } from '../src/ncbi/eutils.ts';
import { noticesOfWork } from '../src/notices/notice-links.ts';
import { recordNotice } from '../src/notices/record-notice.ts';
import { streamPubmedRecords } from '../src/parse/pubmed-stream.ts';
import type { JobContext } from '../src/queue/job-module.ts';

/**
 * Weekly: read again, from PubMed, the records of the works litwatch found in the last year,
 * and raise the notices each record names itself (CommentsCorrections RetractionIn, ErratumIn,
 * ExpressionOfConcernIn, …AndRepublishedIn, or the "Retracted Publication" type). The daily
 * check-notices search depends on what PubMed calls the notices' types; this does not, and
 * catches notices whose own record was entered before the daily window. 200 PMIDs a request
 * (efetch by id, POST); progress is recorded, so a retried job goes on from the last batch.
 */
export const name = 'reread-works';
export const queue = 'poll';

/** efetch by PMID: "several hundred records" a request is NCBI's guideline; 200 as for the polls. */
export const REREAD_BATCH = 200;
/** How far back works are read again. */
export const REREAD_DAYS = 365;

export const payloadSchema = z.object({
  // Written by the job as it goes: the PMIDs done so far (in the order listed at the start).
  done: z.number().int().min(0).optional(),
  since: z.number().int().optional(),
});
export type Payload = z.infer<typeof payloadSchema>;

export async function process(payload: Payload, ctx: JobContext): Promise<{ works: number; requests: number; recorded: number; owed: number }> {
  const { services, log } = ctx;
  const since = payload.since ?? services.now().getTime() - REREAD_DAYS * 86_400_000;
  const works = await services.works.withPmidSince(since);
  const keyOf = new Map(works.map((w) => [w.pmid, w.key]));
  const counts = { works: works.length, requests: 0, recorded: 0, owed: 0 };
  for (let start = payload.done ?? 0; start < works.length; start += REREAD_BATCH) {
    const pmids = works.slice(start, start + REREAD_BATCH).map((w) => w.pmid);
    const xml = await efetchByIds(services.ncbi, 'pubmed', pmids);
    counts.requests++;
    for await (const record of streamPubmedRecords([xml], {
      onRecordError: (err) => log.warn({ event: 'parse.record_failed', err }, 'a re-read record could not be parsed; skipped'),
    })) {
      if (record.kind === 'deleted') continue;
      const workKey = keyOf.get(record.pmid);
      if (!workKey) continue;
      for (const notice of noticesOfWork(record)) {
        const outcome = await recordNotice(services, log, workKey, notice);
        counts.recorded += outcome.recorded ? 1 : 0;
        counts.owed += outcome.owed;
      }
    }
    await ctx.job.updateData({ since, done: start + pmids.length });
  }
  log.info({ event: 'notices.reread', ...counts }, `re-read ${counts.works} works: ${counts.recorded} notices recorded`);
  return counts;
}
