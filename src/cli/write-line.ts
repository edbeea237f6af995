import { once } from 'node:events';

/** Write to stdout respecting backpressure, so `litwatch card` over 20,000 articles into a pipe stays flat in memory. */
export async function writeLine(line: string): Promise<void> {
  if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
}

/**
 * Lines to stdout in writes of about 64 KB: one write per card was a twentieth of `litwatch
 * card`'s time. Same bytes, same backpressure; `flush` at the end. A line may be text or UTF-8
 * bytes (what card workers hand back).
 */
export class LineBuffer {
  #lines: (string | Uint8Array)[] = [];
  #bytes = false;
  #size = 0;

  async write(line: string | Uint8Array, before = ''): Promise<void> {
    if (before !== '') this.#lines.push(before);
    this.#lines.push(line, '\n');
    if (typeof line !== 'string') this.#bytes = true;
    this.#size += before.length + line.length + 1;
    if (this.#size >= 64 * 1024) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#lines.length === 0) return;
    const lines = this.#lines;
    const chunk = this.#bytes ? Buffer.concat(lines.map((line) => (typeof line === 'string' ? Buffer.from(line) : line))) : lines.join('');
    this.#lines = [];
    this.#bytes = false;
    this.#size = 0;
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  }
}
