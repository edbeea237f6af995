/**
 * `litwatch card` over large efetch files on several cores. The main thread cuts the file into
 * records (bench/card-stages.ts: a tenth of the work) and hands batches of them to worker
 * threads; while every worker has enough queued it cards the next batch itself, so on a
 * machine of two cores one worker and the main thread share the parse-to-card work (the main
 * thread alone only splitting left it idle three quarters of the time, and a second worker cost
 * ~50 MB more). The lines come back in record order.
 *
 * Memory stays flat: at most IN_FLIGHT_PER_WORKER batches per worker are queued, each about
 * BATCH_BYTES of records, and the main thread holds at most that many batches of lines more,
 * whatever the file's size.
 */
import { Worker } from 'node:worker_threads';
import { PUBMED_SET, splitStream, type Chunk, type RawRecord, type RecordTag } from '../parse/pubmed-split.ts';
import { cardOutcomes, decodeOutcomes, type CardBatch, type CardBatchResult, type CardOutcome } from './card-batch.ts';
import type { CardFormat } from './card-line.ts';

export type { CardOutcome } from './card-batch.ts';

/**
 * Records per batch: large enough that messaging costs little, small enough to keep every
 * thread busy and memory low (50,000 records: 512 KB batches peaked at 170-189 MiB, 1 MB ones
 * at 192-210, for the same time).
 */
const BATCH_BYTES = 512 * 1024;
const BATCH_RECORDS = 128;
const IN_FLIGHT_PER_WORKER = 2;

/**
 * A worker's young generation: V8's default (~48 MB with its 16 MB semi-spaces) made each
 * worker ~100 MB. At 6 MB the two threads peaked at ~170 MB over 20,000 records (12 MB: ~200,
 * 4 MB: the same as 6) for the same time within the noise.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 6 };

/** Sources run the worker's TypeScript through tsx (as bin/litwatch.js does); dist/ runs its JavaScript. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCES ? './card-worker.ts' : './card-worker.js', import.meta.url);

/** One batch's outcomes: carded here (ready at once) or by a worker (ready when it answers). */
interface Pending {
  outcomes?: CardOutcome[];
  answer?: Promise<CardOutcome[]>;
}

/**
 * The card line (or the read error) of every record in `source`, in order, built by `threads`
 * threads: this one and `threads - 1` workers. Throws what the splitter throws (not a set,
 * truncated) after the outcomes of every complete record before it, as the one-thread path does.
 */
export async function* cardsInParallel(
  source: AsyncIterable<Chunk> | Iterable<Chunk>,
  format: CardFormat,
  threads: number,
  options: { awaitWorkers?: boolean } = {},
): AsyncGenerator<CardOutcome> {
  const pool = new WorkerPool(format, threads - 1);
  if (options.awaitWorkers) await pool.wait(pool.started); // tests: the first batches go to workers
  const pending: Pending[] = [];
  const maxPending = pool.size * IN_FLIGHT_PER_WORKER + 2;
  const hand = (batch: RawRecord[]) => {
    const answer = pool.send(batch);
    if (answer === undefined) pending.push({ outcomes: cardOutcomes(batch, format) });
    else {
      const entry: Pending = { answer };
      answer.then((outcomes) => (entry.outcomes = outcomes)).catch(() => {}); // failures are seen where it is awaited
      pending.push(entry);
    }
  };
  try {
    let batch: RawRecord[] = [];
    let batchBytes = 0;
    let failure: unknown;
    try {
      for await (const raw of splitStream(source, PUBMED_SET)) {
        batch.push(raw);
        batchBytes += raw.bytes.length;
        if (batch.length < BATCH_RECORDS && batchBytes < BATCH_BYTES) continue;
        hand(batch);
        [batch, batchBytes] = [[], 0];
        // What is ready at the head goes out now; a full queue waits for its oldest batch.
        while (pending.length > 0 && (pending[0]!.outcomes !== undefined || pending.length > maxPending)) {
          yield* pending[0]!.outcomes ?? (await pool.wait(pending[0]!.answer!));
          pending.shift();
        }
      }
    } catch (err) {
      failure = err;
    }
    if (batch.length > 0) hand(batch);
    for (const entry of pending.splice(0)) yield* entry.outcomes ?? (await pool.wait(entry.answer!));
    if (failure !== undefined) throw failure;
  } finally {
    await pool.close();
  }
}

interface PoolWorker {
  worker: Worker;
  /** Batches sent and not answered yet. */
  inFlight: number;
  /** Whether it has loaded and said so. */
  ready: boolean;
}

class WorkerPool {
  readonly #workers: PoolWorker[];
  readonly #results = new Map<number, (result: CardBatchResult) => void>();
  #sent = 0;
  #closing = false;
  /** Rejects when a worker fails: every wait races it. */
  readonly #failure: Promise<never>;
  #reject!: (err: Error) => void;
  /** Resolves once every worker has said it is ready. */
  readonly started: Promise<unknown>;

  constructor(format: CardFormat, count: number) {
    const starts: Promise<void>[] = [];
    this.#failure = new Promise<never>((_, reject) => (this.#reject = reject));
    this.#failure.catch(() => {}); // seen by whoever waits; unhandled otherwise
    this.#workers = Array.from({ length: count }, () => {
      const worker = FROM_SOURCES
        ? new Worker(throughTsx(WORKER_URL), { eval: true, workerData: { format }, resourceLimits: WORKER_LIMITS })
        : new Worker(WORKER_URL, { workerData: { format }, resourceLimits: WORKER_LIMITS });
      const entry: PoolWorker = { worker, inFlight: 0, ready: false };
      let started!: () => void;
      starts.push(new Promise<void>((resolve) => (started = resolve)));
      worker.on('message', (result: CardBatchResult | 'ready') => {
        if (result === 'ready') {
          entry.ready = true;
          started();
          return;
        }
        entry.inFlight--;
        this.#results.get(result.id)?.(result);
        this.#results.delete(result.id);
      });
      worker.on('error', (err) => this.#reject(err));
      worker.on('exit', (code) => {
        if (!this.#closing) this.#reject(new Error(`a card worker stopped (exit code ${code})`));
      });
      return entry;
    });
    this.started = Promise.all(starts);
  }

  get size(): number {
    return this.#workers.length;
  }

  /**
   * Hands a batch to the least busy worker that has started, unless every one already has
   * IN_FLIGHT_PER_WORKER batches: then undefined (the caller cards it itself). Each worker
   * answers its batches in order.
   */
  send(records: RawRecord[]): Promise<CardOutcome[]> | undefined {
    let chosen: PoolWorker | undefined;
    for (const entry of this.#workers) if (entry.ready && (chosen === undefined || entry.inFlight < chosen.inFlight)) chosen = entry;
    if (chosen === undefined || chosen.inFlight >= IN_FLIGHT_PER_WORKER) return undefined;
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
    const answer = new Promise<CardOutcome[]>((resolve) => this.#results.set(id, (result) => resolve(decodeOutcomes(result))));
    const batch: CardBatch = { id, bytes, ends, tags, oversized };
    chosen.inFlight++;
    chosen.worker.postMessage(batch, [bytes.buffer]);
    return answer;
  }

  /** A worker's answer, or the failure of any worker. */
  wait<T>(answer: Promise<T>): Promise<T> {
    return Promise.race([answer, this.#failure]);
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#workers.map(({ worker }) => worker.terminate()));
  }
}

/** From the sources, a worker needs tsx too (bin/litwatch.js registers it in its own thread only): a bootstrap registers it, then loads the worker. */
function throughTsx(worker: URL): string {
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return `import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker.href)}); });`;
}
