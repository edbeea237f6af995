/**
 * A worker thread of `litwatch card` (parallel-cards.ts): gets batches of raw efetch records
 * (their bytes, back to back in one transferred buffer) and answers, in record order, each
 * record's card line or the reason it could not be read (card-batch.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { cardOutcomes, encodeOutcomes, unpackBatch, type CardBatch } from './card-batch.ts';
import type { CardFormat } from './card-line.ts';

export type { CardBatch, CardBatchResult, CardOutcome } from './card-batch.ts';

const format = (workerData as { format: CardFormat }).format;

parentPort?.on('message', (batch: CardBatch) => {
  const result = encodeOutcomes(batch.id, cardOutcomes(unpackBatch(batch), format));
  parentPort?.postMessage(result, [result.text.buffer as ArrayBuffer]); // (a buffer of its own: encodeOutcomes)
});
// Loaded: the main thread cards batches itself until a worker says so (starting one takes a while).
parentPort?.postMessage('ready');
