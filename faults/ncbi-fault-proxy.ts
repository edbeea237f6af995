import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * The failures NCBI is known for, injected between litwatch and the local NCBI stand-in
 * (test/helpers/fake-ncbi.ts), which keeps answering as NCBI does: a fault either replaces the
 * stand-in's reply or mangles the real one on its way back.
 */
export type NcbiFault = '429-storm' | '429-retry-after' | '500' | '502' | '503' | 'timeout' | 'reset-mid-body' | 'truncated-xml' | 'html-200' | 'reply-50mb';

const RATE_LIMIT_BODY = JSON.stringify({ error: 'API rate limit exceeded', count: '11', limit: '10' });
const HTML_ERROR = '<!DOCTYPE html><html><head><title>NCBI - WWW Error 500 Diagnostic</title></head><body><h1>Error</h1><p>Server Error</p></body></html>';
/** How many requests in a row a storm or an outage covers. */
const STORM = 12;
const OUTAGE = 4;
/** A request held this long is cut off; litwatch gives up first (its NCBI timeout is 120 s). */
const HOLD_MS = 130_000;

interface Armed {
  fault: NcbiFault;
  left: number;
  /** Requests (to `endpoint`, when set) let through before the fault starts. */
  after: number;
  /** Only requests to this endpoint (efetch for the faults that mangle a body). */
  endpoint?: string;
}

export class NcbiFaultProxy {
  private server?: Server;
  private armed: Armed[] = [];
  private readonly held = new Set<ServerResponse>();
  /** Faults actually applied, by kind. */
  readonly applied = new Map<NcbiFault, number>();
  origin = '';

  constructor(private readonly target: string) {}

  /**
   * The request(s) after the next `after` fail this way: a storm or an outage covers several in
   * a row. Counting requests rather than waiting makes the fault land within the poll however
   * fast the machine gets through it.
   */
  arm(fault: NcbiFault, after = 0): void {
    const bodyFault = fault === 'reset-mid-body' || fault === 'truncated-xml' || fault === 'reply-50mb' || fault === 'html-200';
    const left = fault.startsWith('429') ? STORM : fault === '500' || fault === '502' || fault === '503' ? OUTAGE : 1;
    this.armed.push({ fault, left, after, ...(bodyFault ? { endpoint: 'efetch.fcgi' } : {}) });
  }

  disarm(): void {
    this.armed = [];
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private take(path: string): NcbiFault | undefined {
    const endpoint = path.split('?')[0]!.split('/').pop();
    const armed = this.armed.find((a) => a.endpoint === undefined || a.endpoint === endpoint);
    if (!armed) return undefined;
    if (armed.after > 0) {
      armed.after -= 1;
      return undefined;
    }
    armed.left -= 1;
    if (armed.left <= 0) this.armed.splice(this.armed.indexOf(armed), 1);
    this.applied.set(armed.fault, (this.applied.get(armed.fault) ?? 0) + 1);
    return armed.fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const fault = this.take(req.url ?? '/');
    switch (fault) {
      case '429-storm':
        return void res.writeHead(429, { 'content-type': 'application/json' }).end(RATE_LIMIT_BODY);
      case '429-retry-after':
        return void res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end(RATE_LIMIT_BODY);
      case '500':
      case '502':
      case '503':
        return void res.writeHead(Number(fault), { 'content-type': 'text/html' }).end(HTML_ERROR);
      case 'html-200':
        return void res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' }).end(HTML_ERROR);
      case 'timeout':
        this.held.add(res);
        setTimeout(() => {
          this.held.delete(res);
          res.destroy();
        }, HOLD_MS).unref();
        return;
      default:
    }
    const upstream = await forward(this.target, req, body);
    if (fault === 'reset-mid-body') {
      res.writeHead(upstream.status, { 'content-type': upstream.type, 'content-length': String(upstream.body.length) });
      res.write(upstream.body.subarray(0, Math.floor(upstream.body.length / 2)));
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    if (fault === 'truncated-xml') {
      // A complete HTTP reply whose XML stops in the middle: the length says so, nothing else does.
      const cut = upstream.body.subarray(0, Math.floor(upstream.body.length * 0.6));
      return void res.writeHead(upstream.status, { 'content-type': upstream.type, 'content-length': String(cut.length) }).end(cut);
    }
    if (fault === 'reply-50mb') return sendHuge(res, upstream);
    res
      .writeHead(upstream.status, { 'content-type': upstream.type, ...(upstream.retryAfter ? { 'retry-after': upstream.retryAfter } : {}) })
      .end(upstream.body);
  }
}

/** The real reply with 50 MB of whitespace inside it, after its first record: valid XML, streamed. */
async function sendHuge(res: ServerResponse, upstream: Upstream): Promise<void> {
  const text = upstream.body.toString('utf8');
  const split = Math.max(0, text.indexOf('</PubmedArticle>') + '</PubmedArticle>'.length);
  res.writeHead(200, { 'content-type': upstream.type });
  res.write(text.slice(0, split));
  const chunk = Buffer.alloc(1024 * 1024, ' ');
  for (let i = 0; i < 50 && !res.destroyed; i++) {
    if (!res.write(chunk)) await drainedOrClosed(res);
  }
  if (!res.destroyed) res.end(text.slice(split));
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

interface Upstream {
  status: number;
  type: string;
  retryAfter?: string;
  body: Buffer;
}

function forward(target: string, req: IncomingMessage, body: Buffer): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: new URL(target).host };
    const upstream = request(`${target}${req.url ?? '/'}`, { method: req.method, headers }, async (reply) => {
      try {
        resolve({
          status: reply.statusCode ?? 502,
          type: String(reply.headers['content-type'] ?? 'text/plain'),
          retryAfter: reply.headers['retry-after'] as string | undefined,
          body: await readAll(reply),
        });
      } catch (err) {
        reject(err);
      }
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
