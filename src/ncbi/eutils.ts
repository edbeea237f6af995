import { z } from 'zod';
import { NcbiPermanentError, NcbiTransientError } from './errors.ts';
import type { NcbiHttp } from './ncbi-http.ts';
import type { DateWindow } from './date-window.ts';

/** PubMed answers at most the first 10,000 hits of a search (retstart > 9998 is an error). */
export const MAX_SEARCH_HITS = 9999;

export interface SearchResult {
  count: number;
  /** PMIDs (PubMed) in the history server's order; at most `retmax` of them. */
  ids: string[];
  webEnv: string;
  queryKey: string;
  /** Phrases NCBI dropped from the query, silently broadening it (worth a warning). */
  phrasesNotFound: string[];
  queryTranslation?: string;
}

// esearch JSON: counts are strings; `ERROR` for failures; errorlist for dropped phrases.
const esearchReply = z.object({
  error: z.string().optional(),
  esearchresult: z
    .object({
      count: z.string().optional(),
      idlist: z.array(z.string()).optional(),
      webenv: z.string().optional(),
      querykey: z.string().optional(),
      querytranslation: z.string().optional(),
      errorlist: z.object({ phrasesnotfound: z.array(z.string()).optional() }).partial().optional(),
      ERROR: z.string().optional(),
    })
    .optional(),
});

export interface SearchRequest {
  db: 'pubmed' | 'pmc';
  term: string;
  /** Entrez date (EDAT): when the record entered the database, the clock for "new". */
  window: DateWindow;
  /** How many ids to return with the count. @defaultValue MAX_SEARCH_HITS */
  retmax?: number;
}

export async function esearch(http: NcbiHttp, request: SearchRequest, signal?: AbortSignal): Promise<SearchResult> {
  const text = await http.post(
    'esearch.fcgi',
    {
      db: request.db,
      term: request.term,
      usehistory: 'y',
      retmode: 'json',
      datetype: 'edat',
      mindate: request.window.min,
      maxdate: request.window.max,
      retmax: request.retmax ?? MAX_SEARCH_HITS,
    },
    signal,
  );
  return readSearchReply(text);
}

export function readSearchReply(text: string): SearchResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // An HTML error page or a truncated body: NCBI hiccups of this kind pass with a retry.
    throw new NcbiTransientError(`esearch: reply is not JSON: ${text.slice(0, 120)}`);
  }
  const reply = esearchReply.parse(json);
  const result = reply.esearchresult;
  const error = reply.error ?? result?.ERROR;
  if (error) throw new NcbiPermanentError(`esearch: ${error}`);
  if (!result?.count || !result.webenv || !result.querykey) {
    throw new NcbiTransientError(`esearch: reply without count/webenv/querykey: ${text.slice(0, 200)}`);
  }
  return {
    count: Number(result.count),
    ids: result.idlist ?? [],
    webEnv: result.webenv,
    queryKey: result.querykey,
    phrasesNotFound: result.errorlist?.phrasesnotfound ?? [],
    queryTranslation: result.querytranslation,
  };
}

export interface HistoryFetchRequest {
  db: 'pubmed' | 'pmc';
  webEnv: string;
  queryKey: string;
  retstart: number;
  retmax: number;
}

/** efetch records from the history server, as XML text. */
export async function efetchFromHistory(http: NcbiHttp, request: HistoryFetchRequest, signal?: AbortSignal): Promise<string> {
  return http.post(
    'efetch.fcgi',
    {
      db: request.db,
      WebEnv: request.webEnv,
      query_key: request.queryKey,
      retstart: request.retstart,
      retmax: request.retmax,
      retmode: 'xml',
    },
    signal,
  );
}

/** efetch records by id (POST, so the list can be long), as XML text. */
export async function efetchByIds(http: NcbiHttp, db: 'pubmed' | 'pmc', ids: string[], signal?: AbortSignal): Promise<string> {
  return http.post('efetch.fcgi', { db, id: ids.join(','), retmode: 'xml' }, signal);
}
