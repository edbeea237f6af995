/**
 * `litwatch card` over large efetch files on several cores. The profile of one thread
 * (bench/card-stages.ts: split 20%, XML parse 30%, fields and inline markup 13%, summary and
 * card 23%, output 4%) leaves the main thread little to do besides cutting the file into
 * records and writing lines, so that is what it keeps; the parse-to-card work, four fifths of
 * the time, goes to worker threads in batches, and the lines come back in record order.
 *
 * Memory stays flat: at most two batches per worker are in flight, each about BATCH_BYTES of
 * records, whatever the file's size.
 */
import { Worker } from 'node:worker_threads';
import { PUBMED_SET, splitStream, type Chunk, type RawRecord, type RecordTag } from '../parse/pubmed-split.ts';
import type { CardFormat } from './card-line.ts';
import type { CardBatch, CardBatchResult, CardOutcome } from './card-worker.ts';

export type { CardOutcome } from './card-worker.ts';

/** Records per message: large enough that messaging costs little, small enough to keep every worker busy. */
const BATCH_BYTES = 1 << 20;
const BATCH_RECORDS = 128;
const IN_FLIGHT_PER_WORKER = 2;

/** Sources run the worker's TypeScript through tsx (as bin/litwatch.js does); dist/ runs its JavaScript. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCES ? './card-worker.ts' : './card-worker.js', import.meta.url);

/**
 * The card line (or the read error) of every record in `source`, in order, built by `workers`
 * threads. Throws what the splitter throws (not a set, truncated) after the outcomes of every
 * complete record before it, as the one-thread path does.
 */
export async function* cardsInParallel(source: AsyncIterable<Chunk> | Iterable<Chunk>, format: CardFormat, workers: number): AsyncGenerator<CardOutcome> {
  const pool = new WorkerPool(format, workers);
  try {
    let batch: RawRecord[] = [];
    let batchBytes = 0;
    let failure: unknown;
    try {
      for await (const raw of splitStream(source, PUBMED_SET)) {
        batch.push(raw);
        batchBytes += raw.bytes.length;
        if (batch.length < BATCH_RECORDS && batchBytes < BATCH_BYTES) continue;
        pool.send(batch);
        [batch, batchBytes] = [[], 0];
        while (pool.inFlight >= workers * IN_FLIGHT_PER_WORKER) yield* await pool.next();
      }
    } catch (err) {
      failure = err;
    }
    if (batch.length > 0) pool.send(batch);
    while (pool.inFlight > 0) yield* await pool.next();
    if (failure !== undefined) throw failure;
  } finally {
    await pool.close();
  }
}

class WorkerPool {
  readonly #workers: Worker[];
  readonly #results = new Map<number, { promise: Promise<CardBatchResult>; resolve: (result: CardBatchResult) => void }>();
  #sent = 0;
  #taken = 0;
  #closing = false;
  /** Rejects when a worker fails: every wait races it. */
  readonly #failure: Promise<never>;
  #reject!: (err: Error) => void;

  constructor(format: CardFormat, count: number) {
    this.#failure = new Promise<never>((_, reject) => (this.#reject = reject));
    this.#failure.catch(() => {}); // seen by whoever waits; unhandled otherwise
    this.#workers = Array.from({ length: count }, () => {
      const worker = FROM_SOURCES
        ? new Worker(throughTsx(WORKER_URL), { eval: true, workerData: { format } })
        : new Worker(WORKER_URL, { workerData: { format } });
      worker.on('message', (result: CardBatchResult) => this.#results.get(result.id)?.resolve(result));
      worker.on('error', (err) => this.#reject(err));
      worker.on('exit', (code) => {
        if (!this.#closing) this.#reject(new Error(`a card worker stopped (exit code ${code})`));
      });
      return worker;
    });
  }

  get inFlight(): number {
    return this.#sent - this.#taken;
  }

  /** Hands a batch to the next worker in turn (each answers its batches in order). */
  send(records: RawRecord[]): void {
    const ends: number[] = [];
    const tags: RecordTag[] = [];
    const oversized: (number | null)[] = [];
    // A fresh buffer of its own, so it can be transferred (a pooled Buffer's memory cannot)
    const bytes = new Uint8Array(records.reduce((sum, r) => sum + r.bytes.length, 0));
    let at = 0;
    for (const record of records) {
      bytes.set(record.bytes, at);
      at += record.bytes.length;
      ends.push(at);
      tags.push(record.tag);
      oversized.push(record.oversized ?? null);
    }
    const id = this.#sent++;
    let resolve!: (result: CardBatchResult) => void;
    const promise = new Promise<CardBatchResult>((done) => (resolve = done));
    this.#results.set(id, { promise, resolve });
    const batch: CardBatch = { id, bytes, ends, tags, oversized };
    this.#workers[id % this.#workers.length]!.postMessage(batch, [bytes.buffer]);
  }

  /** The outcomes of the oldest batch not yet taken, once its worker has answered. */
  async next(): Promise<CardOutcome[]> {
    const id = this.#taken++;
    const entry = this.#results.get(id)!;
    const result = await Promise.race([entry.promise, this.#failure]);
    this.#results.delete(id);
    return result.outcomes;
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }
}

/** From the sources, a worker needs tsx too (bin/litwatch.js registers it in its own thread only): a bootstrap registers it, then loads the worker. */
function throughTsx(worker: URL): string {
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return `import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker.href)}); });`;
}
