import { efetchByIds } from '../ncbi/eutils.ts';
import { streamPubmedRecords } from '../parse/pubmed-stream.ts';
import type { Services } from '../services.ts';
import { cardTextToPlain } from '../text/card-text-to-plain.ts';

/**
 * Titles for PMIDs, to show a preview: stored works are read from the store, the others are
 * fetched in one efetch per 200 (read, not stored).
 */
export async function titlesFor(services: Services, pmids: string[]): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  const known = await services.works.keysForPmids(pmids);
  for (const [pmid, key] of known) {
    const work = await services.works.get(key);
    if (work) titles.set(pmid, cardTextToPlain(work.title));
  }
  const missing = pmids.filter((pmid) => !titles.has(pmid));
  for (let start = 0; start < missing.length; start += 200) {
    const xml = await efetchByIds(services.ncbi, 'pubmed', missing.slice(start, start + 200));
    for await (const record of streamPubmedRecords([xml])) {
      if (record.kind !== 'deleted') titles.set(record.pmid, cardTextToPlain(record.title));
    }
  }
  return titles;
}
