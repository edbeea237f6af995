import type { Config } from './watches-schema.ts';

/**
 * PubMed field tags a query may carry that PMC (`db=pmc`) does not search the same way. PMC's
 * search fields (PMC User Guide, "Search Field Descriptions and Tags";
 * https://pmc.ncbi.nlm.nih.gov/about/userguide/) are not PubMed's: a tag PMC does not have is not
 * refused, it is searched as [All Fields] (PMC's query translation shows it), so
 * `"case reports"[pt]` finds every article whose full text says "case reports".
 * See docs/live-services.md (PMC fields) for the sources.
 */
const PUBMED_ONLY: Readonly<Record<string, string>> = {
  pt: 'Publication Type',
  'publication type': 'Publication Type',
  ot: 'Other Term (author keywords)',
  'other term': 'Other Term (author keywords)',
  tw: 'Text Word',
  'text word': 'Text Word',
  sb: 'Subset',
  subset: 'Subset',
  pa: 'Pharmacological Action',
  'pharmacological action': 'Pharmacological Action',
  si: 'Secondary Source ID',
  ps: 'Personal Name as Subject',
  pl: 'Place of Publication',
  mhda: 'MeSH Date',
  crdt: 'Create Date',
  tt: 'Transliterated Title',
  aid: 'Article Identifier',
  pubn: 'Publisher',
  isbn: 'ISBN',
  book: 'Book',
};

/** PubMed tags PMC spells differently: the PMC tag to use instead. */
const PMC_SPELLING: Readonly<Record<string, string>> = { '1au': 'fauth', lastau: 'lauth', ip: 'iss', vi: 'vol', cois: 'coi' };

// MeSH tags ([mh], [majr], [sh]) are not flagged: the PMC User Guide lists them as PMC fields.

export interface FieldTagWarning {
  /** Index of the watch in `watches`. */
  watch: number;
  tag: string;
  message: string;
}

/** For every watch that searches PMC, the tags in its query that PMC does not search as PubMed does. */
export function pmcFieldTagWarnings(config: Config): FieldTagWarning[] {
  const warnings: FieldTagWarning[] = [];
  for (const [i, watch] of config.watches.entries()) {
    if (!watch.sources.includes('pmc')) continue;
    const seen = new Set<string>();
    for (const match of watch.query.matchAll(/\[([^\]]+)\]/g)) {
      const tag = match[1]!
        .trim()
        .toLowerCase()
        .replace(/\s+/g, ' ')
        .replace(/:noexp$/, '');
      if (seen.has(tag)) continue;
      seen.add(tag);
      const message = messageFor(tag);
      if (message) warnings.push({ watch: i, tag: `[${match[1]}]`, message: `[${match[1]}] ${message}` });
    }
  }
  return warnings;
}

function messageFor(tag: string): string | undefined {
  const pubmedOnly = PUBMED_ONLY[tag];
  if (pubmedOnly)
    return `is PubMed's ${pubmedOnly} field, which PMC does not have: PMC searches the term in [All Fields] (the full text), so this watch's PMC search finds far more than its PubMed search (search it in PubMed only, or drop pmc from sources)`;
  const spelling = PMC_SPELLING[tag];
  if (spelling) return `is PubMed's spelling; PMC calls this field [${spelling}] and searches [${tag}] in [All Fields]`;
  return undefined;
}
