import { z } from 'zod';
import { pollWindow } from '../src/ncbi/date-window.ts';
import { efetchFromHistory, historyOf } from '../src/ncbi/eutils.ts';
import { searchWindows } from '../src/ncbi/search-windows.ts';
import { targetsOfNotice } from '../src/notices/notice-links.ts';
import { recordNotice } from '../src/notices/record-notice.ts';
import type { PubmedArticle } from '../src/parse/article.ts';
import { streamPubmedRecords } from '../src/parse/pubmed-stream.ts';
import { describeQueryWarning, queryChangingWarnings } from '../src/poll/query-warnings.ts';
import type { JobContext } from '../src/queue/job-module.ts';
import { queryHash } from '../src/store/cursor-store.ts';

/**
 * Daily: PubMed's new notices (retractions, published errata, expressions of concern,
 * corrected and republished articles), from an Entrez-date window that moves like a watch's. A
 * notice pointing at a stored work gets its `Notice:` line on the work's card, and every
 * subscriber who already received that work is owed it in their next digest, once. Safe to run
 * twice: a notice is recorded once per work. The weekly reread-works job does not rely on these
 * type names: it reads the works' own records.
 */
export const name = 'check-notices';
export const queue = 'poll';

/**
 * Both names of the retraction notice type: reports from 2026 say PubMed answers
 * `"Retraction of Publication"[pt]` with nothing (the phrase in quotedphrasesnotfound) and now
 * calls it "Retraction Notice". Whichever PubMed does not know is logged (notices.query_warning).
 */
export const NOTICE_QUERY =
  '"Retraction of Publication"[pt] OR "Retraction Notice"[pt] OR "Published Erratum"[pt] OR "Expression of Concern"[pt] OR "Corrected and Republished Article"[pt]';
/** The cursor's name: notices have one, like a watch. */
const CURSOR = 'system-notices';
const BATCH = 200;

export const payloadSchema = z.object({});
export type Payload = z.infer<typeof payloadSchema>;

export async function process(_payload: Payload, ctx: JobContext): Promise<{ notices: number; recorded: number; owed: number }> {
  const { services, log } = ctx;
  const hash = queryHash(NOTICE_QUERY);
  const cursor = await services.cursors.get(CURSOR, hash);
  const window = pollWindow({ cursor: cursor?.date, now: services.now(), overlapDays: 3, initialLookbackDays: 30 });
  const counts = { notices: 0, recorded: 0, owed: 0 };
  const results = await searchWindows(services.ncbi, { db: 'pubmed', term: NOTICE_QUERY, window }, log);
  for (const warning of queryChangingWarnings(
    'pubmed',
    results.flatMap((r) => r.warnings),
  )) {
    log.warn({ event: 'notices.query_warning', kind: warning.kind, phrase: warning.phrase }, `notice search: ${describeQueryWarning(warning)}`);
  }
  for (const result of results) {
    for (let retstart = 0; retstart < result.ids.length; retstart += BATCH) {
      const xml = await efetchFromHistory(services.ncbi, {
        db: 'pubmed',
        ...historyOf(result),
        retstart,
        retmax: Math.min(BATCH, result.ids.length - retstart),
      });
      for await (const record of streamPubmedRecords([xml], { onRecordError: (err) => log.warn({ err }, 'a notice could not be parsed') })) {
        if (record.kind === 'deleted') continue;
        counts.notices++;
        const outcome = await recordNoticeTargets(ctx, record);
        counts.recorded += outcome.recorded;
        counts.owed += outcome.owed;
      }
    }
  }
  await services.cursors.advance(CURSOR, hash, window.max);
  log.info({ event: 'notices.checked', window, ...counts }, `${counts.recorded} notices on stored works`);
  return counts;
}

async function recordNoticeTargets(ctx: JobContext, notice: PubmedArticle): Promise<{ recorded: number; owed: number }> {
  const result = { recorded: 0, owed: 0 };
  for (const target of targetsOfNotice(notice)) {
    const workKey = (await ctx.services.works.keysForPmids([target.pmid])).get(target.pmid);
    if (!workKey) continue;
    const outcome = await recordNotice(ctx.services, ctx.log, workKey, target.notice);
    result.recorded += outcome.recorded ? 1 : 0;
    result.owed += outcome.owed;
  }
  return result;
}
