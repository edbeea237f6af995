/**
 * A worker thread of `litwatch card` (parallel-cards.ts): gets batches of raw efetch records
 * (their bytes, back to back in one transferred buffer) and answers, in record order, each
 * record's card line or the reason it could not be read (card-batch.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { cardOutcomes, unpackBatch, type CardBatch, type CardBatchResult } from './card-batch.ts';
import type { CardFormat } from './card-line.ts';

export type { CardBatch, CardBatchResult, CardOutcome } from './card-batch.ts';

const format = (workerData as { format: CardFormat }).format;

parentPort?.on('message', (batch: CardBatch) => {
  parentPort?.postMessage({ id: batch.id, outcomes: cardOutcomes(unpackBatch(batch), format) } satisfies CardBatchResult);
});
// Loaded: the main thread cards batches itself until a worker says so (starting one takes a while).
parentPort?.postMessage('ready');
