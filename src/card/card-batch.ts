/**
 * A batch of raw efetch records → their card lines (or why a record could not be read), in
 * record order; deleted citations give nothing. The same function runs in `litwatch card`'s
 * main thread and in its card workers (parallel-cards.ts), so both print the same.
 */
import type { RecordTag } from '../parse/pubmed-split.ts';
import { readRecord, type RawRecord } from '../parse/pubmed-stream.ts';
import { cardLine, type CardFormat } from './card-line.ts';

export type CardOutcome = { line: string } | { error: string };

/** Records as a worker gets them: their bytes back to back in one (transferable) buffer. */
export interface CardBatch {
  id: number;
  bytes: Uint8Array;
  /** End offset of each record in `bytes`. */
  ends: number[];
  tags: RecordTag[];
  /** RawRecord.oversized of each record (null when it is whole). */
  oversized: (number | null)[];
}

export interface CardBatchResult {
  id: number;
  outcomes: CardOutcome[];
}

export function cardOutcomes(records: Iterable<RawRecord>, format: CardFormat): CardOutcome[] {
  const outcomes: CardOutcome[] = [];
  for (const raw of records) {
    const record = readRecord(raw, (error) => outcomes.push({ error: error.message }));
    if (record && record.kind !== 'deleted') outcomes.push({ line: cardLine(record, { article: record }, format) });
  }
  return outcomes;
}

/** The records of a batch as a worker receives it (the inverse of packing them into one buffer). */
export function* unpackBatch(batch: CardBatch): Generator<RawRecord> {
  const buffer = Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength);
  let start = 0;
  for (let index = 0; index < batch.ends.length; index++) {
    const end = batch.ends[index]!;
    const bytes = buffer.subarray(start, end);
    start = end;
    const oversized = batch.oversized[index] ?? undefined;
    let xml: string | undefined;
    yield {
      tag: batch.tags[index]!,
      bytes,
      ...(oversized === undefined ? {} : { oversized }),
      get xml() {
        xml ??= bytes.toString('utf8');
        return xml;
      },
    };
  }
}
