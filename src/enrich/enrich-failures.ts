import type { Logger } from '../log.ts';
import type { EnrichmentPendingStore, EnrichStep } from '../store/enrichment-store.ts';

/** First wait before a failed enrichment is tried again; doubled on each further failure. */
export const RETRY_BASE_MS = 15 * 60_000;
/** The longest wait between two tries: a work is never given up on, only asked about less often. */
export const RETRY_MAX_MS = 7 * 86_400_000;

/** When the next try may run after `attempts` failed tries (exponential, capped). */
export function nextTryAt(attempts: number, nowMs: number): number {
  return nowMs + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

/** A failed try of `steps` for these works: each waits a backoff grown from its own tries so far. */
export async function recordFailedTry(
  store: EnrichmentPendingStore,
  workKeys: readonly string[],
  steps: EnrichStep[],
  error: string,
  nowMs: number,
): Promise<void> {
  for (const key of workKeys) {
    const attempts = ((await store.get(key))?.attempts ?? 0) + 1;
    await store.recordFailure(key, { steps, error, nextAt: nextTryAt(attempts, nowMs) }, nowMs);
  }
}

/**
 * What one enrichment run could not get, per work. Each step runs guarded (`run`): a service
 * that fails costs that step for those works, never the run, the batch or the poll.
 */
export class EnrichFailures {
  private readonly steps = new Map<string, Set<EnrichStep>>();
  private readonly errors = new Map<string, string>();
  private readonly deferred = new Set<string>();
  private readonly handedOff = new Set<string>();

  constructor(private readonly log: Logger) {}

  /** Run one step for these works; on failure, note it for each of them and go on. */
  async run<T>(step: EnrichStep, workKeys: string[], work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.warn(
        { event: 'enrich.step_failed', step, works: workKeys.length, err },
        `enrichment step "${step}" failed for ${workKeys.length} works; their cards stay pending and a later poll tries again`,
      );
      for (const key of workKeys) this.add(key, step, message);
      return undefined;
    }
  }

  add(workKey: string, step: EnrichStep, error: string): void {
    const steps = this.steps.get(workKey) ?? new Set<EnrichStep>();
    steps.add(step);
    this.steps.set(workKey, steps);
    this.errors.set(workKey, error);
  }

  /** Not tried now: another job is fetching what this work lacks. It stays pending (not failed). */
  defer(workKey: string): void {
    this.deferred.add(workKey);
  }

  /**
   * Its full text was handed to a fetch-full-texts job, which records it as pending itself
   * (EnrichmentPendingStore.handOffFullTexts) and completes it: not cleared here, only a failure
   * of another step is recorded.
   */
  handOff(workKey: string): void {
    this.handedOff.add(workKey);
  }

  has(workKey: string): boolean {
    return this.steps.has(workKey);
  }

  get count(): number {
    return this.steps.size;
  }

  /** Record the outcome: failed works wait with backoff for a later poll, the others are complete. */
  async record(store: EnrichmentPendingStore, workKeys: string[], nowMs: number): Promise<void> {
    const complete = workKeys.filter((key) => !this.steps.has(key) && !this.deferred.has(key) && !this.handedOff.has(key));
    await store.clear(complete);
    // The other job completes it; should it not, a later poll takes it up after the first backoff.
    for (const key of this.deferred) if (!this.steps.has(key)) await store.defer(key, nowMs + RETRY_BASE_MS);
    for (const [key, steps] of this.steps) await recordFailedTry(store, [key], [...steps], this.errors.get(key) ?? '', nowMs);
  }
}
