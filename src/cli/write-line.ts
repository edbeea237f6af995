import { once } from 'node:events';

/** Write to stdout respecting backpressure, so `litwatch card` over 20,000 articles into a pipe stays flat in memory. */
export async function writeLine(line: string): Promise<void> {
  if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
}
