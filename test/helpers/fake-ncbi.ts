import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pubmedArticleSetXml } from './pubmed-xml.ts';

/**
 * A local HTTP server that plays NCBI's E-utilities (esearch with the history server, efetch
 * from it) over records the test provides, records every request with its arrival time, and
 * injects the failures NCBI is known for (429 as a status or inside a 200, 5xx, resets).
 */
export interface FakeRecord {
  pmid: string;
  /** Entrez date, `YYYY/MM/DD`. */
  edat: string;
  /** The `<PubmedArticle>` element; records only searched for may leave it out. */
  xml?: string;
}

export type Fault = '429' | '429-in-200' | '500' | 'reset' | 'error-body';

export interface LoggedRequest {
  endpoint: string;
  params: Record<string, string>;
  /** Arrival time in ms (sub-millisecond precision). */
  at: number;
}

export class FakeNcbi {
  readonly requests: LoggedRequest[] = [];
  private records = new Map<string, FakeRecord>();
  /** term -> PMIDs it matches, newest first (PubMed's default order). */
  private queries = new Map<string, string[]>();
  private history = new Map<string, string[]>();
  private faults: { endpoint: string; fault: Fault }[] = [];
  /** Answer this many efetch requests, then hold the others unanswered (a batch in flight). */
  private answerEfetches = Infinity;
  private held: ServerResponse[] = [];
  private server?: Server;
  url = '';

  addRecords(records: FakeRecord[]): void {
    for (const record of records) this.records.set(record.pmid, record);
  }

  /** Declare which PMIDs a query term matches. */
  setQuery(term: string, pmids: string[]): void {
    this.queries.set(term, [...pmids].sort((a, b) => Number(b) - Number(a)));
  }

  /** The next request(s) to `endpoint` fail this way, in order. */
  failNext(endpoint: 'esearch.fcgi' | 'efetch.fcgi', ...faults: Fault[]): void {
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

  count(endpoint: string): number {
    return this.requests.filter((r) => r.endpoint === endpoint).length;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/entrez/eutils`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
    for (const [k, v] of url.searchParams) params[k] = v;
    const endpoint = url.pathname.split('/').pop() ?? '';
    this.requests.push({ endpoint, params, at: performance.timeOrigin + performance.now() });
    const faultIndex = this.faults.findIndex((f) => f.endpoint === endpoint);
    if (faultIndex >= 0) {
      const [next] = this.faults.splice(faultIndex, 1);
      return this.fail(next!.fault, res);
    }
    if (endpoint === 'esearch.fcgi') return this.esearch(params, res);
    if (endpoint === 'efetch.fcgi') {
      if (this.count('efetch.fcgi') > this.answerEfetches) return void this.held.push(res);
      return this.efetch(params, res);
    }
    res.writeHead(404).end('unknown endpoint');
  }

  private fail(fault: Fault, res: ServerResponse): void {
    const rateLimit = JSON.stringify({ error: 'API rate limit exceeded', count: '4', limit: '3' });
    if (fault === 'reset') return void res.socket?.destroy();
    if (fault === '429') return void res.writeHead(429, { 'content-type': 'application/json' }).end(rateLimit);
    if (fault === '429-in-200') return void res.writeHead(200, { 'content-type': 'application/json' }).end(rateLimit);
    if (fault === 'error-body') return void res.writeHead(200, { 'content-type': 'text/xml' }).end('<eFetchResult><ERROR>Unable to obtain query #1</ERROR></eFetchResult>');
    res.writeHead(500).end('<html><body>Internal Server Error</body></html>');
  }

  private esearch(params: Record<string, string>, res: ServerResponse): void {
    const matching = (this.queries.get(params.term ?? '') ?? []).filter((pmid) => {
      const edat = this.records.get(pmid)?.edat ?? '';
      return (!params.mindate || edat >= params.mindate) && (!params.maxdate || edat <= params.maxdate);
    });
    const webEnv = `MCID_fake${this.history.size + 1}`;
    this.history.set(webEnv, matching);
    const retmax = Number(params.retmax ?? 20);
    const body = {
      header: { type: 'esearch', version: '0.3' },
      esearchresult: {
        count: String(matching.length),
        retmax: String(Math.min(retmax, matching.length)),
        retstart: '0',
        querykey: '1',
        webenv: webEnv,
        idlist: matching.slice(0, retmax),
        translationset: [],
        querytranslation: params.term,
      },
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private efetch(params: Record<string, string>, res: ServerResponse): void {
    const ids = this.history.get(params.WebEnv ?? '');
    if (!ids || params.query_key !== '1') return this.fail('error-body', res);
    const start = Number(params.retstart ?? 0);
    const slice = ids.slice(start, start + Number(params.retmax ?? 20));
    const records = slice.map((pmid) => this.records.get(pmid)?.xml ?? '');
    res.writeHead(200, { 'content-type': 'text/xml; charset=UTF-8' }).end(pubmedArticleSetXml(records));
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
