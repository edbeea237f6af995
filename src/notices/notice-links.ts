import { articleDate } from '../card/card-date.ts';
import { pubmedUrl } from '../card/card-links.ts';
import type { CorrectionKind, PubmedArticle } from '../parse/article.ts';
import type { NoticeKind, WorkNotice } from './work-notice.ts';

/**
 * How PubMed links a notice and the work it is about, both ways (CommentsCorrections RefType,
 * PubMed DTD; NLM "Errata, Retractions, and Other Linked Citations in PubMed"):
 * the notice's record points at the work (`RetractionOf`, …), the work's record points at the
 * notice (`RetractionIn`, …). A republished article points back at the one it replaces with
 * `…andRepublishedFrom`; the replaced one forward with `…andRepublishedIn`.
 */
export const NOTICE_POINTS_AT_WORK: Readonly<Partial<Record<CorrectionKind, NoticeKind>>> = {
  RetractionOf: 'retracted',
  ErratumFor: 'erratum',
  ExpressionOfConcernFor: 'expression of concern',
  RetractedandRepublishedFrom: 'retracted and republished',
  CorrectedandRepublishedFrom: 'corrected and republished',
};

export const WORK_POINTS_AT_NOTICE: Readonly<Partial<Record<CorrectionKind, NoticeKind>>> = {
  RetractionIn: 'retracted',
  ErratumIn: 'erratum',
  ExpressionOfConcernIn: 'expression of concern',
  RetractedandRepublishedIn: 'retracted and republished',
  CorrectedandRepublishedIn: 'corrected and republished',
};

/** The publication type PubMed gives a retracted article itself (distinct from the notice's "Retraction of Publication"). */
export const RETRACTED_PUBLICATION = 'Retracted Publication';

/** The works a notice record is about: PMID and kind, from its own CommentsCorrections. */
export function targetsOfNotice(notice: PubmedArticle): { pmid: string; notice: WorkNotice }[] {
  const date = articleDate(notice);
  return notice.comments.flatMap((comment) => {
    const kind = NOTICE_POINTS_AT_WORK[comment.kind];
    if (!kind || !comment.pmid) return [];
    return [{ pmid: comment.pmid, notice: { kind, noticePmid: notice.pmid, url: pubmedUrl(notice.pmid), ...(date ? { date } : {}) } }];
  });
}

/**
 * The notices a work's own record names: its CommentsCorrections pointing at a notice, and its
 * "Retracted Publication" type when no retraction notice is linked (the record itself is then
 * the evidence). Does not depend on what the notices' publication types are called.
 */
export function noticesOfWork(work: PubmedArticle): WorkNotice[] {
  const notices: WorkNotice[] = [];
  for (const comment of work.comments) {
    const kind = WORK_POINTS_AT_NOTICE[comment.kind];
    if (kind && comment.pmid) notices.push({ kind, noticePmid: comment.pmid, url: pubmedUrl(comment.pmid) });
  }
  if (work.publicationTypes.includes(RETRACTED_PUBLICATION) && !notices.some((n) => n.kind.startsWith('retracted'))) {
    notices.push({ kind: 'retracted', noticePmid: work.pmid, url: pubmedUrl(work.pmid) });
  }
  return notices;
}
