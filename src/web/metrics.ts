import express, { type Router } from 'express';
import { Counter, Gauge, Registry } from 'prom-client';
import type { HealthCheck } from '../health/check-health.ts';
import type { Services } from '../services.ts';
import { COUNTERS, type Counter as CounterName } from '../store/metrics-store.ts';
import { JOB_STATES, queueCounts, type QueueCounts } from './admin/queue-counts.ts';
import { checkHealthWithin, withTimeout } from './health-routes.ts';

const PING_TIMEOUT_MS = 1000;
/** Below Prometheus' default scrape timeout (10 s), so a slow Redis gives a clear 503, not a cut-off scrape. */
const READ_TIMEOUT_MS = 5000;

const COUNTER_HELP: Record<CounterName, string> = {
  polls_total: 'Watch polls finished, successful or not.',
  polls_failed_total: 'Watch polls that failed.',
  works_created_total: 'Works stored for the first time.',
  ncbi_requests_total: 'Requests to NCBI (E-utilities, ID converter, PubTator).',
  ncbi_rate_limited_total: 'NCBI answers 429 (rate limited).',
  ncbi_errors_total: 'NCBI answers 5xx, or no answer in time.',
  ncbi_unexpected_replies_total: 'NCBI replies that did not have the documented shape (HTML page, truncated body, wrong fields).',
  digests_sent_total: 'Digest emails sent.',
  digests_failed_total: 'Digest emails that failed to send.',
};

/** Everything one scrape reports, read from Redis, so it covers every litwatch process. */
interface Snapshot {
  counters: Record<CounterName, number>;
  ncbiErrorStreak: number;
  works: number;
  queues: QueueCounts;
  checks: HealthCheck[];
}

/**
 * `GET /metrics`, in Prometheus' text format, without auth: Prometheus scrapers usually send
 * none, and the numbers carry no personal data (counts, queue names, watch ids). Restrict it at
 * the network or proxy if watch ids are private.
 */
export function metricsRouter(services: Services): Router {
  const router = express.Router();
  router.get('/metrics', async (_req, res) => {
    const snapshot = (await services.system.redisAnswers(PING_TIMEOUT_MS)) ? await withTimeout(readSnapshot(services), READ_TIMEOUT_MS) : undefined;
    if (!snapshot) {
      res.status(503).type('text/plain').send('Redis did not answer in time: no metrics to report.\n');
      return;
    }
    const registry = toRegistry(snapshot);
    res
      .set('Cache-Control', 'no-store')
      .type(registry.contentType)
      .send(await registry.metrics());
  });
  return router;
}

async function readSnapshot(services: Services): Promise<Snapshot> {
  const [counters, ncbiErrorStreak, works, queues, health] = await Promise.all([
    services.metrics.counters(),
    services.metrics.ncbiErrorStreak(),
    services.works.count(),
    queueCounts(services.queues),
    checkHealthWithin(services),
  ]);
  return { counters, ncbiErrorStreak, works, queues, checks: health.checks };
}

/**
 * A registry per scrape: every value is an absolute reading from Redis, not something this
 * process counted, so there is nothing to keep between scrapes, and two scrapes at once cannot
 * mix their readings in shared metric objects.
 */
function toRegistry(snapshot: Snapshot): Registry {
  const registry = new Registry();
  const registers = [registry];
  for (const name of COUNTERS) new Counter({ name: `litwatch_${name}`, help: COUNTER_HELP[name], registers }).inc(snapshot.counters[name]);
  new Gauge({ name: 'litwatch_ncbi_error_streak', help: 'Bad answers from NCBI in a row, right now.', registers }).set(snapshot.ncbiErrorStreak);
  // Works are never deleted, so their number only grows: a counter.
  new Counter({ name: 'litwatch_works_total', help: 'Works stored (one per DOI, else PMID).', registers }).inc(snapshot.works);
  const jobs = new Gauge({ name: 'litwatch_queue_jobs', help: 'Jobs per queue and state.', labelNames: ['queue', 'state'] as const, registers });
  for (const [queue, counts] of Object.entries(snapshot.queues)) for (const state of JOB_STATES) jobs.set({ queue, state }, counts[state]);
  const checks = new Gauge({
    name: 'litwatch_health_check_ok',
    help: 'Each health check: 1 passing, 0 failing (event names in src/health/check-health.ts).',
    labelNames: ['event', 'subject'] as const,
    registers,
  });
  for (const check of snapshot.checks) checks.set({ event: check.event, subject: check.subject ?? '' }, check.ok ? 1 : 0);
  return registry;
}
