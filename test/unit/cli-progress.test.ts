import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { createProgress } from '../../src/cli/progress.ts';

function stream(isTTY: boolean): PassThrough & { isTTY: boolean; text(): string; columns: number } {
  const out = new PassThrough() as PassThrough & { isTTY: boolean; text(): string; columns: number };
  let written = '';
  out.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
  return Object.assign(out, { isTTY, columns: 100, text: () => written });
}

describe('CLI progress', () => {
  test('off a terminal, one plain line per change, none repeated', async () => {
    const out = stream(false);
    const progress = createProgress(out as unknown as NodeJS.WriteStream);
    progress.begin('search');
    progress.update('batches fetched', 1, 3);
    progress.update('batches fetched', 1, 3);
    progress.update('batches fetched', 3, 3);
    progress.update('enrichment', 2, 5);
    progress.stop();
    await new Promise((r) => setImmediate(r));
    assert.equal(out.text(), 'search…\nbatches fetched 1/3\nbatches fetched 3/3\nenrichment 2/5\n');
  });

  test('on a terminal, a bar per stage with its count', async () => {
    const out = stream(true);
    const progress = createProgress(out as unknown as NodeJS.WriteStream);
    progress.update('digests built', 4, 10);
    progress.update('digests sent', 1, 4);
    progress.stop();
    await new Promise((r) => setImmediate(r));
    const text = out.text();
    assert.match(text, /digests built\s+\[[^\]]+\] 4\/10/);
    assert.match(text, /digests sent\s+\[[^\]]+\] 1\/4/);
  });
});
