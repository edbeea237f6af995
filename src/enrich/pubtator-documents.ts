import { parseBiocJson } from '../entities/bioc.ts';
import type { AnnotatedDocument } from '../entities/entity-types.ts';
import { NcbiTransientError } from '../ncbi/errors.ts';
import { exportBiocJson, PUBTATOR_BATCH, type PubtatorIds } from '../ncbi/pubtator.ts';
import type { Services } from '../services.ts';
import type { StoredWork } from '../store/work-store.ts';
import { parseWellFormedJson } from '../text/well-formed.ts';

/**
 * PubTator3 annotations for these works, 100 ids a request: by PMID, or by PMCID for PMC-only
 * works. Works PubTator has not annotated are simply absent from the result.
 */
export async function fetchPubtatorDocuments(services: Services, works: StoredWork[]): Promise<AnnotatedDocument[]> {
  const pmids = works.flatMap((w) => (w.article.pmid ? [w.article.pmid] : []));
  const pmcids = works.flatMap((w) => (!w.article.pmid && w.article.pmcid ? [w.article.pmcid] : []));
  const requests: PubtatorIds[] = [
    ...chunks(pmids, PUBTATOR_BATCH).map((ids) => ({ pmids: ids })),
    ...chunks(pmcids, PUBTATOR_BATCH).map((ids) => ({ pmcids: ids })),
  ];
  // Side by side: PubTator3's shared limiter spaces them, and the job ends sooner.
  const replies = await Promise.all(requests.map((ids) => exportBiocJson(services.ncbi, services.env.PUBTATOR_URL, ids)));
  return replies.flatMap((text) => parseBiocJson(parseJson(text)));
}

function parseJson(text: string): unknown {
  // PubTator answers an empty body when none of the ids is annotated.
  if (text.trim() === '') return { PubTator3: [] };
  try {
    return parseWellFormedJson(text);
  } catch {
    throw new NcbiTransientError(`PubTator3: reply is not JSON: ${text.slice(0, 120)}`);
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}
