import type { Services } from '../services.ts';
import { DigestRun } from './compose-digest.ts';

/**
 * The digest runs a worker process has open. A plan (or `digest run --now`) gives every build
 * job it queues the same run id; the jobs of one run that land in this process share one
 * DigestRun, so the watches' works are read, and each entry rendered, once for all of them
 * rather than once per subscriber. A run is dropped when no job has used it for a while: a job
 * that comes later (a retry, a worker that was down) opens the run afresh, with the store's
 * data as it is by then.
 */
const IDLE_MS = 10 * 60_000;
/** Runs open at once: a daily and a weekly plan in a few time zones at the same hour. */
const MAX_RUNS = 8;

interface OpenRun {
  run: DigestRun;
  lastUsed: number;
}

const open = new WeakMap<Services, Map<string, OpenRun>>();

/** This process's DigestRun for `runId`, opened at `now` when it is not open yet. */
export function sharedDigestRun(services: Services, runId: string, now: Date, clock = Date.now()): DigestRun {
  let runs = open.get(services);
  if (!runs) {
    runs = new Map();
    open.set(services, runs);
  }
  for (const [id, entry] of runs) if (clock - entry.lastUsed > IDLE_MS) runs.delete(id);
  let entry = runs.get(runId);
  if (!entry) {
    if (runs.size >= MAX_RUNS) runs.delete(runs.keys().next().value!);
    entry = { run: new DigestRun(services, now), lastUsed: clock };
    runs.set(runId, entry);
  }
  entry.lastUsed = clock;
  return entry.run;
}

/** A run id for the build jobs queued together: unique, and no `:` (it rides in job data only). */
export function newRunId(origin: string, now: Date): string {
  return `${origin}-${now.getTime()}-${Math.random().toString(36).slice(2, 8)}`;
}
