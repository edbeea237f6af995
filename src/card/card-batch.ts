/**
 * A batch of raw efetch records → their card lines (or why a record could not be read), in
 * record order; deleted citations give nothing. The same function runs in `litwatch card`'s
 * main thread and in its card workers (parallel-cards.ts), so both print the same.
 */
import type { RecordTag } from '../parse/pubmed-split.ts';
import { readRecord, type RawRecord } from '../parse/pubmed-stream.ts';
import { cardLine, type CardFormat } from './card-line.ts';

/** A card line (from this thread: text; from a worker: its UTF-8 bytes), or why a record could not be read. */
export type CardOutcome = { line: string } | { bytes: Uint8Array } | { error: string };

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

/**
 * A worker's answer: the batch's lines as UTF-8 bytes back to back in one transferred buffer,
 * and per outcome the end of its line in it or its error. Strings would be copied into the
 * main thread's heap and live there until written: that heap grew past 80 MB on long files.
 */
export interface CardBatchResult {
  id: number;
  text: Uint8Array;
  outcomes: (number | { error: string })[];
}

const encoder = new TextEncoder();

/** Outcomes with text lines → a CardBatchResult (its `text` is a buffer of its own, to transfer). */
export function encodeOutcomes(id: number, outcomes: readonly CardOutcome[]): CardBatchResult {
  const lines: string[] = [];
  const ends: CardBatchResult['outcomes'] = [];
  let end = 0;
  for (const outcome of outcomes) {
    if ('error' in outcome) ends.push({ error: outcome.error });
    else if ('line' in outcome) {
      lines.push(outcome.line);
      end += Buffer.byteLength(outcome.line);
      ends.push(end);
    } else throw new Error('a batch encodes text lines');
  }
  const text = new Uint8Array(end);
  encoder.encodeInto(lines.join(''), text);
  return { id, text, outcomes: ends };
}

/** A CardBatchResult → its outcomes, each line a view of the result's bytes. */
export function decodeOutcomes(result: CardBatchResult): CardOutcome[] {
  let start = 0;
  return result.outcomes.map((outcome) => {
    if (typeof outcome !== 'number') return outcome;
    const bytes = result.text.subarray(start, outcome);
    start = outcome;
    return { bytes };
  });
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
