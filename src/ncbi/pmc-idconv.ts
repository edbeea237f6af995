import { z } from 'zod';
import { NcbiPermanentError, NcbiUnexpectedReplyError, replyExcerpt } from './errors.ts';
import type { NcbiHttp } from './ncbi-http.ts';
import { parseWellFormedJson } from '../text/well-formed.ts';

/** The PMC ID converter answers at most 200 ids per request. */
export const IDCONV_BATCH = 200;

// The converter sends `pmid` as a JSON number and the other ids as strings; accept either for each.
const id = z.union([z.string(), z.number()]).transform(String);

const reply = z.object({
  status: z.string().optional(),
  message: z.string().optional(),
  records: z
    .array(
      z
        .object({
          'requested-id': id.optional(),
          pmid: id.optional(),
          pmcid: id.optional(),
          doi: id.optional(),
          status: z.string().optional(),
          errmsg: z.string().optional(),
        })
        .loose(),
    )
    .default([]),
});

/**
 * PMID -> PMCID for articles PMC holds, from the PMC ID converter. A fresh PubMed record often
 * does not list its PMC copy yet; the converter does. PMIDs PMC does not hold are absent from
 * the map (the converter marks them `status: "error"` with an `errmsg`, which is an answer, not
 * a failure).
 */
export async function pmcidsForPmids(http: NcbiHttp, url: string, pmids: string[], signal?: AbortSignal): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let start = 0; start < pmids.length; start += IDCONV_BATCH) {
    const ids = pmids.slice(start, start + IDCONV_BATCH);
    const reply = await http.get('idconv', url, { ids: ids.join(','), idtype: 'pmid', format: 'json' }, { signal, read: readIdconvReply });
    for (const [pmid, pmcid] of reply) found.set(pmid, pmcid);
  }
  return found;
}

/**
 * The converter's JSON reply as requested id -> PMCID. Each record is keyed on `requested-id`
 * (what we asked for, as a string), falling back to its `pmid`; records with an error or
 * without a PMCID are left out.
 */
export function readIdconvReply(text: string): Map<string, string> {
  let json: unknown;
  try {
    json = parseWellFormedJson(text);
  } catch {
    throw new NcbiUnexpectedReplyError('idconv', 'reply is not JSON', replyExcerpt(text));
  }
  const parsed = reply.safeParse(json);
  if (!parsed.success)
    throw new NcbiUnexpectedReplyError('idconv', `reply does not have the ID converter's shape (${parsed.error.issues[0]?.message})`, replyExcerpt(text));
  // The whole request refused (bad idtype, too many ids): asking again the same way cannot help.
  if (parsed.data.status === 'error') throw new NcbiPermanentError(`idconv: ${parsed.data.message ?? 'request refused'}`);
  const found = new Map<string, string>();
  for (const record of parsed.data.records) {
    const requested = record['requested-id'] ?? record.pmid;
    if (requested && record.pmcid && record.status !== 'error') found.set(requested, record.pmcid);
  }
  return found;
}
