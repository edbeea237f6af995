import { once } from 'node:events';

/** Write to stdout respecting backpressure, so `litwatch card` over 20,000 articles into a pipe stays flat in memory. */
export async function writeLine(line: string): Promise<void> {
  if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
}

/**
 * Lines to stdout in writes of about 64 KB: one write per card was a twentieth of `litwatch
 * card`'s time. Same bytes, same backpressure; `flush` at the end.
 */
export class LineBuffer {
  #lines: string[] = [];
  #size = 0;

  async write(line: string): Promise<void> {
    this.#lines.push(line, '\n');
    this.#size += line.length + 1;
    if (this.#size >= 64 * 1024) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#lines.length === 0) return;
    const text = this.#lines.join('');
    this.#lines = [];
    this.#size = 0;
    if (!process.stdout.write(text)) await once(process.stdout, 'drain');
  }
}
