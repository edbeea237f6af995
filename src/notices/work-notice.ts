/** A PubMed notice about a work: it was retracted, corrected, or is under an expression of concern. */
export type NoticeKind = 'retracted' | 'erratum' | 'expression of concern' | 'retracted and republished' | 'corrected and republished';

export interface WorkNotice {
  kind: NoticeKind;
  /** The notice's own PubMed record. */
  noticePmid: string;
  /** The notice's date, ISO (`2026-11-20`, or less precise). */
  date?: string;
  url: string;
}

/** `retracted (2026-11-20, https://pubmed.ncbi.nlm.nih.gov/41000001/)`, the card's Notice line (CARD.md). */
export function noticeLine(notice: WorkNotice): string {
  return `${notice.kind} (${notice.date ? `${notice.date}, ` : ''}${notice.url})`;
}
