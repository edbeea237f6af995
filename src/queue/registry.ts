import * as buildDigest from '../../jobs/build-digest.ts';
import * as checkHealth from '../../jobs/check-health.ts';
import * as checkNotices from '../../jobs/check-notices.ts';
import * as enrichWorks from '../../jobs/enrich-works.ts';
import * as fetchBatch from '../../jobs/fetch-batch.ts';
import * as fetchFullTexts from '../../jobs/fetch-full-texts.ts';
import * as fetchPmcBatch from '../../jobs/fetch-pmc-batch.ts';
import * as planDigests from '../../jobs/plan-digests.ts';
import * as pollWatch from '../../jobs/poll-watch.ts';
import * as pruneStore from '../../jobs/prune-store.ts';
import * as rereadWorks from '../../jobs/reread-works.ts';
import * as sendConfirmation from '../../jobs/send-confirmation.ts';
import * as sendDigest from '../../jobs/send-digest.ts';
import type { JobModule } from './job-module.ts';
import { QUEUE_NAMES, type QueueName } from './queue-names.ts';

/** Every job litwatch knows. A new job is a new file in jobs/ and one line here. */
const MODULES: JobModule[] = [
  pollWatch,
  fetchBatch,
  fetchPmcBatch,
  fetchFullTexts,
  enrichWorks,
  planDigests,
  buildDigest,
  sendDigest,
  sendConfirmation,
  checkHealth,
  checkNotices,
  rereadWorks,
  pruneStore,
];

export type JobRegistry = ReadonlyMap<string, JobModule>;

/**
 * Job name -> handler, checked once at start: a name handled twice, or a job on a queue no
 * worker listens to, stops start-up instead of failing jobs one by one later.
 */
export function buildRegistry(modules: JobModule[] = MODULES): JobRegistry {
  const registry = new Map<string, JobModule>();
  for (const module of modules) {
    if (registry.has(module.name)) throw new Error(`job "${module.name}" is registered twice`);
    if (!QUEUE_NAMES.includes(module.queue)) throw new Error(`job "${module.name}" names an unknown queue "${module.queue}"`);
    registry.set(module.name, module);
  }
  return registry;
}

export function jobsOfQueue(registry: JobRegistry, queue: QueueName): string[] {
  return [...registry.values()].filter((m) => m.queue === queue).map((m) => m.name);
}
