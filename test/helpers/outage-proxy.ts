import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A service in an outage: while `failing`, every request gets what an overloaded NCBI front end
 * sends (503 with an HTML page); otherwise requests are passed on to `target` (a local stand-in)
 * as they came. Counts what it refused, to see that a later poll tried again.
 */
export class OutageProxy {
  failing = true;
  refused = 0;
  forwarded = 0;
  private server?: Server;
  private origin = '';

  constructor(private readonly target: string) {}

  /** This proxy's address with `pathAndQuery` of the target URL kept. */
  url(targetUrl: string): string {
    const url = new URL(targetUrl);
    return `${this.origin}${url.pathname}${url.search}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        if (this.failing) {
          this.refused++;
          res.writeHead(503, { 'content-type': 'text/html' }).end('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
          return;
        }
        this.forwarded++;
        const body = Buffer.concat(chunks);
        const reply = await fetch(`${this.target}${req.url ?? '/'}`, {
          method: req.method,
          headers: { 'content-type': req.headers['content-type'] ?? 'text/plain' },
          ...(body.length > 0 ? { body } : {}),
        });
        res.writeHead(reply.status, { 'content-type': reply.headers.get('content-type') ?? 'text/plain' }).end(Buffer.from(await reply.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
