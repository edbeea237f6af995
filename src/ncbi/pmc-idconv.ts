import { z } from 'zod';
import { NcbiTransientError } from './errors.ts';
import type { NcbiHttp } from './ncbi-http.ts';

/** The PMC ID converter answers at most 200 ids per request. */
export const IDCONV_BATCH = 200;

const reply = z.object({
  status: z.string().optional(),
  records: z
    .array(z.object({ pmid: z.string().optional(), pmcid: z.string().optional(), doi: z.string().optional(), status: z.string().optional() }).loose())
    .default([]),
});

/**
 * PMID -> PMCID for articles PMC holds, from the PMC ID converter. A fresh PubMed record often
 * does not list its PMC copy yet; the converter does. PMIDs PMC does not hold are absent from
 * the map (the converter marks them as errors, which is an answer, not a failure).
 */
export async function pmcidsForPmids(http: NcbiHttp, url: string, pmids: string[], signal?: AbortSignal): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let start = 0; start < pmids.length; start += IDCONV_BATCH) {
    const ids = pmids.slice(start, start + IDCONV_BATCH);
    const text = await http.get(url, { ids: ids.join(','), idtype: 'pmid', format: 'json' }, signal);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new NcbiTransientError(`idconv: reply is not JSON: ${text.slice(0, 120)}`);
    }
    for (const record of reply.parse(json).records) {
      if (record.pmid && record.pmcid && record.status !== 'error') found.set(record.pmid, record.pmcid);
    }
  }
  return found;
}
