import { z } from 'zod';
import { NcbiPermanentError, NcbiUnexpectedReplyError, replyExcerpt } from './errors.ts';
import type { NcbiHttp } from './ncbi-http.ts';
import type { DateWindow } from './date-window.ts';
import { parseWellFormedJson } from '../text/well-formed.ts';

/** PubMed answers at most the first 10,000 hits of a search (retstart > 9998 is an error). */
export const MAX_SEARCH_HITS = 9999;

/**
 * What PubMed (or PMC) says it did to a query instead of searching it as written. Each entry
 * names one phrase (or field tag, or message) from esearch's `errorlist` / `warninglist`:
 * - `phraseNotFound` (errorlist.phrasesnotfound): the phrase is unknown and was dropped from
 *   the search, so the query matches more than it says;
 * - `fieldNotFound` (errorlist.fieldsnotfound): a field tag is unknown; the term was dropped;
 * - `quotedPhraseNotFound` (warninglist.quotedphrasesnotfound): a quoted phrase is not in the
 *   phrase index; PubMed searched without it;
 * - `phraseIgnored` (warninglist.phrasesignored): a stopword or phrase PubMed ignored;
 * - `outputMessage` (warninglist.outputmessages): NCBI's free text, e.g. "No items found." on
 *   an empty result; it names no phrase of the query.
 */
export type SearchWarningKind = 'phraseNotFound' | 'fieldNotFound' | 'quotedPhraseNotFound' | 'phraseIgnored' | 'outputMessage';

export interface SearchWarning {
  kind: SearchWarningKind;
  /** The phrase, field tag or message exactly as NCBI sent it. */
  phrase: string;
}

interface SearchReplyFields {
  count: number;
  /** PMIDs (PubMed) or PMC uids in the history server's order; at most `retmax` of them. */
  ids: string[];
  /** In the order NCBI lists them: errorlist first, then warninglist. */
  warnings: SearchWarning[];
  queryTranslation?: string;
}

/**
 * One esearch reply. The history-server entry is there whenever a search with `usehistory=y`
 * found something; a search that found nothing may come without one (count 0 is an answer).
 */
export type SearchResult = SearchReplyFields & ({ webEnv: string; queryKey: string } | { webEnv?: undefined; queryKey?: undefined });

const phrases = z.array(z.string()).optional();

// esearch JSON: counts are strings; `ERROR` for failures; errorlist/warninglist for what was not searched as written.
const esearchReply = z.object({
  error: z.string().optional(),
  esearchresult: z
    .object({
      count: z.string().regex(/^\d+$/).optional(),
      idlist: z.array(z.string()).optional(),
      webenv: z.string().optional(),
      querykey: z.string().optional(),
      querytranslation: z.string().optional(),
      errorlist: z.object({ phrasesnotfound: phrases, fieldsnotfound: phrases }).optional(),
      warninglist: z.object({ phrasesignored: phrases, quotedphrasesnotfound: phrases, outputmessages: phrases }).optional(),
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
  /** Keep the result on the history server (`usehistory=y`) for efetch; a count-only check needs none. @defaultValue true */
  history?: boolean;
  /**
   * Search the window in this date field, written into the term as a range
   * (`(term) AND ("2026/11/24"[PMC Live Date] : "2026/11/27"[PMC Live Date])`), for a date
   * `datetype` does not offer (src/poll/search-dates.ts). @defaultValue the Entrez date, as `datetype=edat`
   */
  dateField?: string;
}

/** The term and date parameters of a search over a window: `datetype` + `mindate`/`maxdate`, or a range of `dateField` in the term. */
function windowParams(request: SearchRequest): Record<string, string> {
  const { term, window, dateField } = request;
  if (!dateField) return { term, datetype: 'edat', mindate: window.min, maxdate: window.max };
  return { term: `(${term}) AND ("${window.min}"[${dateField}] : "${window.max}"[${dateField}])` };
}

export function esearch(http: NcbiHttp, request: SearchRequest, signal?: AbortSignal): Promise<SearchResult> {
  return http.post(
    'esearch.fcgi',
    {
      db: request.db,
      ...windowParams(request),
      ...((request.history ?? true) ? { usehistory: 'y' } : {}),
      retmode: 'json',
      retmax: request.retmax ?? MAX_SEARCH_HITS,
    },
    { signal, read: (text) => readSearchReply(text, { history: request.history ?? true }) },
  );
}

export interface ReadSearchOptions {
  /** The search asked for the history server (`usehistory=y`): a non-empty result must name its entry. @defaultValue true */
  history?: boolean;
}

export function readSearchReply(text: string, options: ReadSearchOptions = {}): SearchResult {
  let json: unknown;
  try {
    json = parseWellFormedJson(text);
  } catch {
    throw new NcbiUnexpectedReplyError('esearch', 'reply is not JSON', replyExcerpt(text));
  }
  const parsed = esearchReply.safeParse(json);
  if (!parsed.success)
    throw new NcbiUnexpectedReplyError('esearch', `reply does not have esearch's shape (${parsed.error.issues[0]?.message})`, replyExcerpt(text));
  const result = parsed.data.esearchresult;
  const error = parsed.data.error ?? result?.ERROR;
  if (error) throw new NcbiPermanentError(`esearch: ${error}`);
  if (!result?.count) throw new NcbiUnexpectedReplyError('esearch', 'reply without a count', replyExcerpt(text));
  const fields: SearchReplyFields = {
    count: Number(result.count),
    ids: result.idlist ?? [],
    warnings: searchWarnings(result),
    ...(result.querytranslation !== undefined ? { queryTranslation: result.querytranslation } : {}),
  };
  if (result.webenv && result.querykey) return { ...fields, webEnv: result.webenv, queryKey: result.querykey };
  if (fields.count > 0 && (options.history ?? true))
    throw new NcbiUnexpectedReplyError('esearch', `${fields.count} hits but no history-server entry (webenv/querykey)`, replyExcerpt(text));
  return fields;
}

type ReplyLists = Pick<NonNullable<z.infer<typeof esearchReply>['esearchresult']>, 'errorlist' | 'warninglist'>;

function searchWarnings({ errorlist, warninglist }: ReplyLists): SearchWarning[] {
  const of = (kind: SearchWarningKind, list: string[] | undefined) => (list ?? []).map((phrase) => ({ kind, phrase }));
  return [
    ...of('phraseNotFound', errorlist?.phrasesnotfound),
    ...of('fieldNotFound', errorlist?.fieldsnotfound),
    ...of('quotedPhraseNotFound', warninglist?.quotedphrasesnotfound),
    ...of('phraseIgnored', warninglist?.phrasesignored),
    ...of('outputMessage', warninglist?.outputmessages),
  ];
}

/** The history-server entry of a search that found something; efetch from the history server needs it. */
export function historyOf(result: SearchResult): { webEnv: string; queryKey: string } {
  if (result.webEnv === undefined) throw new NcbiUnexpectedReplyError('esearch', `no history-server entry for a search with ${result.count} hits`, '');
  return { webEnv: result.webEnv, queryKey: result.queryKey };
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
    { signal, read: (text) => checkArticleSet(text, request.db) },
  );
}

/** efetch records by id (POST, so the list can be long), as XML text. */
export async function efetchByIds(http: NcbiHttp, db: 'pubmed' | 'pmc', ids: string[], signal?: AbortSignal): Promise<string> {
  return http.post('efetch.fcgi', { db, id: ids.join(','), retmode: 'xml' }, { signal, read: (text) => checkArticleSet(text, db) });
}

const SET_ROOT = { pubmed: 'PubmedArticleSet', pmc: 'pmc-articleset' } as const;

/**
 * An efetch body is passed on when it is a whole article set (or one of NCBI's `<ERROR>`
 * documents, which the parsers report with NCBI's words); an HTML page or a set cut off in the
 * middle is an unexpected reply.
 */
export function checkArticleSet(text: string, db: 'pubmed' | 'pmc'): string {
  const root = SET_ROOT[db];
  const head = text.slice(0, 4096);
  if (head.includes(`<${root}`)) {
    const tail = text.slice(-256).trimEnd();
    if (tail.endsWith(`</${root}>`) || new RegExp(`<${root}[^>]*/>$`).test(tail)) return text;
    throw new NcbiUnexpectedReplyError('efetch', `the <${root}> is cut off (no closing tag)`, replyExcerpt(text));
  }
  if (/<ERROR>/.test(head)) return text;
  throw new NcbiUnexpectedReplyError('efetch', `reply is not a <${root}>`, replyExcerpt(text));
}
