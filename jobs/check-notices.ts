import { z } from 'zod';
import { articleDate } from '../src/card/card-date.ts';
import { pubmedUrl } from '../src/card/card-links.ts';
import { pollWindow } from '../src/ncbi/date-window.ts';
import { efetchFromHistory, historyOf } from '../src/ncbi/eutils.ts';
import { searchWindows } from '../src/ncbi/search-windows.ts';
import type { NoticeKind, WorkNotice } from '../src/notices/work-notice.ts';
import type { CorrectionKind, PubmedArticle } from '../src/parse/article.ts';
import { streamPubmedRecords } from '../src/parse/pubmed-stream.ts';
import type { JobContext } from '../src/queue/job-module.ts';
import { queryHash } from '../src/store/cursor-store.ts';

/**
 * Daily: PubMed's new notices (retractions, published errata, expressions of concern), from an
 * Entrez-date window that moves like a watch's. A notice pointing at a stored work gets its
 * `Notice:` line on the work's card, and every subscriber who already received that work is owed
 * it in their next digest, once. Safe to run twice: a notice is recorded once per work.
 */
export const name = 'check-notices';
export const queue = 'poll';

export const NOTICE_QUERY = '"Retraction of Publication"[pt] OR "Published Erratum"[pt] OR "Expression of Concern"[pt]';
/** The cursor's name: notices have one, like a watch. */
const CURSOR = 'system-notices';
const BATCH = 200;

/** The CommentsCorrections of a notice that name the work it is about. */
const TARGETS: Partial<Record<CorrectionKind, NoticeKind>> = {
  RetractionOf: 'retracted',
  ErratumFor: 'erratum',
  ExpressionOfConcernFor: 'expression of concern',
};

export const payloadSchema = z.object({});
export type Payload = z.infer<typeof payloadSchema>;

export async function process(_payload: Payload, ctx: JobContext): Promise<{ notices: number; recorded: number; owed: number }> {
  const { services, log } = ctx;
  const hash = queryHash(NOTICE_QUERY);
  const cursor = await services.cursors.get(CURSOR, hash);
  const window = pollWindow({ cursor: cursor?.date, now: services.now(), overlapDays: 3, initialLookbackDays: 30 });
  const counts = { notices: 0, recorded: 0, owed: 0 };
  for (const result of await searchWindows(services.ncbi, { db: 'pubmed', term: NOTICE_QUERY, window }, log)) {
    for (let retstart = 0; retstart < result.ids.length; retstart += BATCH) {
      const xml = await efetchFromHistory(services.ncbi, { db: 'pubmed', ...historyOf(result), retstart, retmax: Math.min(BATCH, result.ids.length - retstart) });
      for await (const record of streamPubmedRecords([xml], { onRecordError: (err) => log.warn({ err }, 'a notice could not be parsed') })) {
        if (record.kind === 'deleted') continue;
        counts.notices++;
        const outcome = await recordNotice(ctx, record);
        counts.recorded += outcome.recorded;
        counts.owed += outcome.owed;
      }
    }
  }
  await services.cursors.advance(CURSOR, hash, window.max);
  log.info({ event: 'notices.checked', window, ...counts }, `${counts.recorded} notices on stored works`);
  return counts;
}

async function recordNotice(ctx: JobContext, notice: PubmedArticle): Promise<{ recorded: number; owed: number }> {
  const { services } = ctx;
  const result = { recorded: 0, owed: 0 };
  for (const comment of notice.comments) {
    const kind = TARGETS[comment.kind];
    if (!kind || !comment.pmid) continue;
    const workKey = (await services.works.keysForPmids([comment.pmid])).get(comment.pmid);
    if (!workKey) continue;
    const date = articleDate(notice);
    const record: WorkNotice = { kind, noticePmid: notice.pmid, url: pubmedUrl(notice.pmid), ...(date ? { date } : {}) };
    if (!(await services.notices.add(workKey, record))) continue;
    result.recorded++;
    ctx.log.info({ event: 'notice.recorded', workKey, kind, noticePmid: notice.pmid }, `${kind}: ${workKey}`);
    for (const subscriber of await services.subscribers.list()) {
      if (!(await services.subscribers.hasReceived(subscriber.id, workKey))) continue;
      await services.notices.owe(subscriber.id, { workKey, noticePmid: notice.pmid });
      result.owed++;
    }
  }
  return result;
}
