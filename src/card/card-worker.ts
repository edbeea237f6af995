/**
 * A worker thread of `litwatch card` (parallel-cards.ts): gets batches of raw efetch records
 * (their bytes, back to back in one transferred buffer) and answers, in record order, each
 * record's card line or the reason it could not be read. Deleted citations give nothing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RecordTag } from '../parse/pubmed-split.ts';
import { readRecord, type RawRecord } from '../parse/pubmed-stream.ts';
import { cardLine, type CardFormat } from './card-line.ts';

export interface CardBatch {
  id: number;
  bytes: Uint8Array;
  /** End offset of each record in `bytes`. */
  ends: number[];
  tags: RecordTag[];
  /** RawRecord.oversized of each record (null when it is whole). */
  oversized: (number | null)[];
}

export type CardOutcome = { line: string } | { error: string };

export interface CardBatchResult {
  id: number;
  outcomes: CardOutcome[];
}

const format = (workerData as { format: CardFormat }).format;

parentPort?.on('message', (batch: CardBatch) => {
  const outcomes: CardOutcome[] = [];
  const buffer = Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength);
  let start = 0;
  batch.ends.forEach((end, index) => {
    const bytes = buffer.subarray(start, end);
    start = end;
    const oversized = batch.oversized[index] ?? undefined;
    const raw: RawRecord = {
      tag: batch.tags[index]!,
      bytes,
      ...(oversized === undefined ? {} : { oversized }),
      get xml() {
        return bytes.toString('utf8');
      },
    };
    const record = readRecord(raw, (error) => outcomes.push({ error: error.message }));
    if (record && record.kind !== 'deleted') outcomes.push({ line: cardLine(record, { article: record }, format) });
  });
  parentPort?.postMessage({ id: batch.id, outcomes } satisfies CardBatchResult);
});
