import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pubmedArticleSetXml } from './pubmed-xml.ts';

/**
 * A local HTTP server that plays NCBI: the E-utilities (esearch with the history server, efetch
 * from it or by id) for PubMed and PMC, the PMC ID converter and PubTator3's BioC export, over
 * records the test provides. It records every request with its arrival time and injects the
 * failures NCBI is known for (429 as a status or inside a 200, 5xx, resets).
 *
 * It answers as the live services document, not as litwatch expects (docs/live-services.md):
 * the ID converter's `pmid` is a JSON number; an empty esearch has no WebEnv; PubTator3 serves
 * PMIDs only on `/publications/export` and PMCIDs only on `/publications/pmc_export`; each
 * service enforces its own rate (E-utilities and the ID converter 3/s, 10/s with `api_key`;
 * PubTator3 3/s) over any 1-second window of arrivals, with its 429 reply.
 */
export interface FakeRecord {
  pmid: string;
  /** Entrez date, `YYYY/MM/DD`. */
  edat: string;
  /** The `<PubmedArticle>` element; records only searched for may leave it out. */
  xml?: string;
}

export interface FakePmcArticle {
  /** `PMC…` */
  pmcid: string;
  edat: string;
  /** PMC live date, `YYYY/MM/DD`: when it went live in PMC (after an embargo, later than `edat`); `edat` when left out. */
  liveDate?: string;
  /** The JATS `<article>` element. */
  xml: string;
}

export type Db = 'pubmed' | 'pmc';
/** `pubtator` is PubTator3's export by PMID, `pubtator-pmc` its pmc_export by PMCID. */
export type Endpoint = 'esearch.fcgi' | 'efetch.fcgi' | 'idconv' | 'pubtator' | 'pubtator-pmc';
/** What each service's limit counts: E-utilities together, the ID converter, PubTator3. */
export type FakeService = 'eutils' | 'idconv' | 'pubtator';
/** esearch's lists of what it did not search as written: errorlist's two, warninglist's two. */
export type UnknownList = 'phrasesnotfound' | 'fieldsnotfound' | 'quotedphrasesnotfound' | 'phrasesignored';
/** `html-200`: a proxy's HTML error page sent with status 200; `truncated`: the real reply cut in the middle. */
export type Fault = '429' | '429-in-200' | '500' | 'reset' | 'error-body' | 'html-200' | 'truncated';

export interface LoggedRequest {
  endpoint: Endpoint | string;
  params: Record<string, string>;
  /** Arrival time in ms (sub-millisecond precision), when the request reached the server. */
  at: number;
  service: FakeService;
  /** The request's User-Agent header. */
  userAgent?: string;
  /** True when the service's rate limit refused it (429). */
  rateLimited?: boolean;
}

const PMC_SET_HEAD =
  '<?xml version="1.0" ?>\n<!DOCTYPE pmc-articleset PUBLIC "-//NLM//DTD ARTICLE SET 2.0//EN" "https://dtd.nlm.nih.gov/ncbi/pmc/articleset/nlm-articleset-2.0.dtd">\n<pmc-articleset>';

export class FakeNcbi {
  readonly requests: LoggedRequest[] = [];
  private records = new Map<string, FakeRecord>();
  private pmcArticles = new Map<string, FakePmcArticle>();
  /** `${db} ${term}` -> uids it matches, newest first (PubMed's default order). */
  private queries = new Map<string, string[]>();
  private history = new Map<string, { db: string; ids: string[] }>();
  /** PMID -> PMCID, as the ID converter knows them. */
  private pmcOf = new Map<string, string>();
  /** PubTator3 documents by PMID or PMCID. */
  private bioc = new Map<string, unknown>();
  /** Phrases PubMed does not know, by the esearch list that reports them (see declareUnknown). */
  private unknown: { list: UnknownList; phrase: string }[] = [];
  /** NCBI's free-text messages for every search (warninglist.outputmessages), see addOutputMessage. */
  private outputMessages: string[] = [];
  /** PMIDs the next PubMed search's history-server entry holds first without esearch listing them (see enterHistoryUnlisted). */
  private unlisted: string[] = [];
  private faults: { endpoint: string; fault: Fault }[] = [];
  /** Off only for tests about something else that must not meet a 429 (none so far). */
  enforceLimits = true;
  /** Answer this many efetch requests, then hold the others unanswered (a batch in flight). */
  private answerEfetches = Infinity;
  private held: ServerResponse[] = [];
  private server?: Server;
  private origin = '';

  /** E-utilities base, as NCBI_EUTILS_URL. */
  get url(): string {
    return `${this.origin}/entrez/eutils`;
  }

  /** As PMC_IDCONV_URL. */
  get idconvUrl(): string {
    return `${this.origin}/tools/idconv/api/v1/articles/`;
  }

  /** As PUBTATOR_URL. */
  get pubtatorUrl(): string {
    return `${this.origin}/research/pubtator3-api`;
  }

  addRecords(records: FakeRecord[]): void {
    for (const record of records) this.records.set(record.pmid, record);
  }

  addPmcArticles(articles: FakePmcArticle[]): void {
    for (const article of articles) this.pmcArticles.set(article.pmcid.replace(/^PMC/, ''), article);
  }

  /** Declare which uids a query term matches in a database (PMIDs, or PMCIDs for PMC). */
  setQuery(term: string, ids: string[], db: Db = 'pubmed'): void {
    const uids = ids.map((id) => id.replace(/^PMC/, ''));
    this.queries.set(
      `${db} ${term}`,
      uids.sort((a, b) => Number(b) - Number(a)),
    );
  }

  /**
   * Phrases (or field tags) PubMed does not know: a term containing one gets it listed in
   * esearch's errorlist (`phrasesnotfound`, `fieldsnotfound`) or warninglist
   * (`quotedphrasesnotfound`, `phrasesignored`), as NCBI reports what it dropped.
   */
  declareUnknown(list: UnknownList, ...phrases: string[]): void {
    for (const phrase of phrases) this.unknown.push({ list, phrase });
  }

  /**
   * Free text esearch reports in `warninglist.outputmessages` for every search from now on, as
   * NCBI words its messages (any text: JSON writes a lone surrogate in it as the escape `\ud800`).
   */
  addOutputMessage(...messages: string[]): void {
    this.outputMessages.push(...messages);
  }

  /**
   * The next PubMed search keeps these PMIDs on the history server ahead of what it lists in
   * `idlist` (a broken upstream, issue 18: efetch from the history server then answers records
   * esearch never listed, and misses as many listed ones at the end of each slice). Their
   * records must be added like any other; efetch by id answers as usual.
   */
  enterHistoryUnlisted(...pmids: string[]): void {
    this.unlisted.push(...pmids);
  }

  /** What the ID converter answers for a PMID. */
  setPmcid(pmid: string, pmcid: string): void {
    this.pmcOf.set(pmid, pmcid);
  }

  /** A PubTator3 BioC document, served for its PMID and/or PMCID. */
  addBiocDocument(ids: { pmid?: string; pmcid?: string }, document: unknown): void {
    if (ids.pmid) this.bioc.set(ids.pmid, document);
    if (ids.pmcid) this.bioc.set(ids.pmcid, document);
  }

  /** The next request(s) to `endpoint` fail this way, in order. */
  failNext(endpoint: Endpoint, ...faults: Fault[]): void {
    for (const fault of faults) this.faults.push({ endpoint, fault });
  }

  /** Answer the next `n` efetch requests and hold every later one until releaseHeld(). */
  holdEfetchesAfter(n: number): void {
    this.answerEfetches = this.count('efetch.fcgi') + n;
  }

  /** Stop holding: held requests are cut off (as a crashed peer would see), later ones answered. */
  releaseHeld(): void {
    this.answerEfetches = Infinity;
    for (const res of this.held.splice(0)) res.socket?.destroy();
  }

  /** Requests of one service refused for its rate limit. */
  rateLimitedCount(service?: FakeService): number {
    return this.requests.filter((r) => r.rateLimited && (service === undefined || r.service === service)).length;
  }

  /** Requests seen at an endpoint, for one database when given. */
  count(endpoint: Endpoint, db?: Db): number {
    return this.requests.filter((r) => r.endpoint === endpoint && (db === undefined || (r.params.db ?? 'pubmed') === db)).length;
  }

  /** Listen on `port` (a service coming back where litwatch was refused), or on any free one. */
  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Arrival is when the request reaches the server, before its body is read: what NCBI counts.
    const at = performance.timeOrigin + performance.now();
    const url = new URL(req.url ?? '/', 'http://x');
    const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
    for (const [k, v] of url.searchParams) params[k] = v;
    const endpoint = endpointOf(url.pathname);
    const service = serviceOf(endpoint);
    const logged: LoggedRequest = { endpoint, params, at, service, ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}) };
    this.requests.push(logged);
    if (this.enforceLimits && this.overLimit(logged, res)) return;
    const faultIndex = this.faults.findIndex((f) => f.endpoint === endpoint);
    if (faultIndex >= 0) {
      const [next] = this.faults.splice(faultIndex, 1);
      if (next!.fault === 'truncated') truncate(res);
      else return this.fail(next!.fault, res);
    }
    switch (endpoint) {
      case 'esearch.fcgi':
        return this.esearch(params, res);
      case 'efetch.fcgi':
        if (this.count('efetch.fcgi') > this.answerEfetches) return void this.held.push(res);
        return this.efetch(params, res);
      case 'idconv':
        return this.idconv(params, res);
      case 'pubtator':
        return this.pubtator(params.pmids, res);
      case 'pubtator-pmc':
        return this.pubtator(params.pmcids, res);
      default:
        res.writeHead(404).end('unknown endpoint');
    }
  }

  /**
   * Each service's documented rate over any 1-second window of arrivals (refused ones count:
   * the server saw them). Replies: E-utilities' own 429 body (NCBI.md; recorded in
   * eutils-errors/biomcp-esummary-rate-limit-exceeded.json); the ID converter is assumed to
   * answer the same way (NCBI's API gateway; no recording exists); PubTator3 documents no
   * over-limit reply, so a bare HTTP 429 is assumed.
   */
  private overLimit(request: LoggedRequest, res: ServerResponse): boolean {
    const limit = request.service !== 'pubtator' && request.params.api_key ? 10 : 3;
    const count = this.requests.filter((r) => r.service === request.service && r.at > request.at - 1000 && r.at <= request.at).length;
    if (count <= limit) return false;
    request.rateLimited = true;
    if (request.service === 'pubtator') res.writeHead(429, { 'content-type': 'text/plain' }).end('Too Many Requests');
    else
      res
        .writeHead(429, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'API rate limit exceeded', count: String(count), limit: String(limit) }));
    return true;
  }

  private fail(fault: Fault, res: ServerResponse): void {
    const rateLimit = JSON.stringify({ error: 'API rate limit exceeded', count: '4', limit: '3' });
    if (fault === 'reset') return void res.socket?.destroy();
    if (fault === 'html-200')
      return void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!DOCTYPE html><html><head><title>Service unavailable</title></head><body><h1>The service is temporarily unavailable</h1><p>Please try again later.</p></body></html>',
        );
    if (fault === '429') return void res.writeHead(429, { 'content-type': 'application/json' }).end(rateLimit);
    if (fault === '429-in-200') return void res.writeHead(200, { 'content-type': 'application/json' }).end(rateLimit);
    if (fault === 'error-body')
      return void res.writeHead(200, { 'content-type': 'text/xml' }).end('<eFetchResult><ERROR>Unable to obtain query #1</ERROR></eFetchResult>');
    res.writeHead(500).end('<html><body>Internal Server Error</body></html>');
  }

  private edatOf(db: string, uid: string): string {
    return (db === 'pmc' ? this.pmcArticles.get(uid)?.edat : this.records.get(uid)?.edat) ?? '';
  }

  private esearch(params: Record<string, string>, res: ServerResponse): void {
    const db = params.db ?? 'pubmed';
    // A window may be a range of a date field in the term, as Entrez's search syntax allows
    // (`(query) AND ("2026/11/24"[PMC Live Date] : "2026/11/27"[PMC Live Date])`), or datetype + mindate/maxdate.
    const ranged = /^\((.*)\) AND \("(\d{4}\/\d{2}\/\d{2})"\[([^\]]+)\] : "(\d{4}\/\d{2}\/\d{2})"\[\3\]\)$/s.exec(params.term ?? '');
    const term = ranged ? ranged[1]! : (params.term ?? '');
    const [min, max] = ranged ? [ranged[2], ranged[4]] : [params.mindate, params.maxdate];
    const liveDate = ranged?.[3]?.toLowerCase() === 'pmc live date';
    const matching = (this.queries.get(`${db} ${term}`) ?? []).filter((uid) => {
      const date = liveDate && db === 'pmc' ? (this.pmcArticles.get(uid)?.liveDate ?? this.edatOf(db, uid)) : this.edatOf(db, uid);
      return (!min || date >= min) && (!max || date <= max);
    });
    const retmax = Number(params.retmax ?? 20);
    const result: Record<string, unknown> = {
      count: String(matching.length),
      retmax: String(Math.min(retmax, matching.length)),
      retstart: '0',
    };
    // An empty result has no history-server entry (entrezpy: "Empty search result has no webenv/querykey").
    if (params.usehistory === 'y' && matching.length > 0) {
      const webEnv = `MCID_fake${this.history.size + 1}`;
      const unlisted = db === 'pubmed' ? this.unlisted.splice(0) : [];
      this.history.set(webEnv, { db, ids: [...unlisted, ...matching] });
      Object.assign(result, { querykey: '1', webenv: webEnv });
    }
    Object.assign(result, { idlist: matching.slice(0, retmax), translationset: [], querytranslation: params.term });
    const listed = (list: UnknownList) => this.unknown.filter((u) => u.list === list && (params.term ?? '').includes(u.phrase)).map((u) => u.phrase);
    const errors = { phrasesnotfound: listed('phrasesnotfound'), fieldsnotfound: listed('fieldsnotfound') };
    const warnings = {
      phrasesignored: listed('phrasesignored'),
      quotedphrasesnotfound: listed('quotedphrasesnotfound'),
      outputmessages: [...(matching.length === 0 ? ['No items found.'] : []), ...this.outputMessages],
    };
    if (Object.values(errors).some((l) => l.length > 0)) result.errorlist = errors;
    if (Object.values(warnings).some((l) => l.length > 0)) result.warninglist = warnings;
    const body = { header: { type: 'esearch', version: '0.3' }, esearchresult: result };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private efetch(params: Record<string, string>, res: ServerResponse): void {
    const db = params.db ?? 'pubmed';
    let ids: string[];
    if (params.id) {
      ids = params.id.split(',');
    } else {
      const entry = this.history.get(params.WebEnv ?? '');
      if (!entry || entry.db !== db || params.query_key !== '1') return this.fail('error-body', res);
      const start = Number(params.retstart ?? 0);
      ids = entry.ids.slice(start, start + Number(params.retmax ?? 20));
    }
    if (db === 'pmc') {
      const articles = ids.map((uid) => this.pmcArticles.get(uid)?.xml ?? '').join('\n');
      return void res.writeHead(200, { 'content-type': 'text/xml; charset=UTF-8' }).end(`${PMC_SET_HEAD}\n${articles}\n</pmc-articleset>\n`);
    }
    const records = ids.map((pmid) => this.records.get(pmid)?.xml ?? '');
    res.writeHead(200, { 'content-type': 'text/xml; charset=UTF-8' }).end(pubmedArticleSetXml(records));
  }

  private idconv(params: Record<string, string>, res: ServerResponse): void {
    // As the live converter answers: `pmid` a JSON number, `requested-id` the id as sent, and an
    // article PMC does not hold as a record with status "error" (pubmed-mcp-server, biomcp).
    const records = (params.ids ?? '').split(',').map((requested) => {
      const pmcid = this.pmcOf.get(requested);
      const pmid = Number(requested);
      return pmcid ? { pmcid, pmid, 'requested-id': requested } : { pmid, 'requested-id': requested, status: 'error', errmsg: 'Identifier not found in PMC' };
    });
    const request = Object.entries(params)
      .map(([k, v]) => `${k}=${v}`)
      .join(';');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', responseDate: '2026-11-27 08:00:00', request, records }));
  }

  /** Only the id kind the endpoint documents is read; any other parameter is ignored (nothing found). */
  private pubtator(list: string | undefined, res: ServerResponse): void {
    const ids = (list ?? '').split(',');
    const documents = ids.map((id) => this.bioc.get(id)).filter((doc) => doc !== undefined);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ PubTator3: documents }));
  }
}

function endpointOf(pathname: string): string {
  if (pathname.includes('/idconv/')) return 'idconv';
  if (pathname.endsWith('/publications/export/biocjson')) return 'pubtator';
  if (pathname.endsWith('/publications/pmc_export/biocjson')) return 'pubtator-pmc';
  return pathname.split('/').pop() ?? '';
}

function serviceOf(endpoint: string): FakeService {
  if (endpoint === 'idconv') return 'idconv';
  if (endpoint.startsWith('pubtator')) return 'pubtator';
  return 'eutils';
}

/** Send only the first half of whatever this response's body will be (with a matching length). */
function truncate(res: ServerResponse): void {
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  res.end = ((chunk?: unknown) => {
    const body = typeof chunk === 'string' ? chunk : '';
    return end(body.slice(0, Math.floor(body.length / 2)));
  }) as typeof res.end;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
