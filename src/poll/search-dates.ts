import type { Source } from '../config/watches-schema.ts';

/**
 * The clock each database is polled on, so a window catches what is new *there*:
 * - PubMed: the Entrez date (`datetype=edat`), when PubMed added the record (E-utilities,
 *   NBK25499 "datetype");
 * - PMC: the PMC live date, when the article went live in PMC. PMC enters an embargoed article
 *   long before it goes live, so its entry date would make a watch miss every article that comes
 *   out of embargo. The E-utilities' `datetype` offers no live date, so the window is written into
 *   the term as a range of the `[PMC Live Date]` field (PMC User Guide, search field tags; esummary
 *   db=pmc returns the same date as `pmclivedate`). Sources in docs/live-services.md.
 */
export const SEARCH_DATE_FIELD: Readonly<Record<Source, string | undefined>> = {
  pubmed: undefined,
  pmc: 'PMC Live Date',
};
