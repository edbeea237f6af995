import express, { type Router } from 'express';
import { checkHealth, type HealthReport } from '../health/check-health.ts';
import type { Services } from '../services.ts';

/** Liveness must answer fast: a probe that hangs is treated like a dead process anyway. */
const PING_TIMEOUT_MS = 1000;
const CHECKS_TIMEOUT_MS = 3000;

/**
 * `GET /healthz`, without auth: 200 while the process can reach Redis and the database, with
 * the failing checks (a degraded installation is still alive: restarting it would not help),
 * 503 when either does not answer. Nothing personal in the answer: event names, watch ids, queue names.
 */
export function healthRouter(services: Services): Router {
  const router = express.Router();
  router.get('/healthz', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    if (!(await services.system.redisAnswers(PING_TIMEOUT_MS))) {
      res.status(503).json({ status: 'down', redis: 'unreachable', reason: `Redis did not answer PING within ${PING_TIMEOUT_MS} ms` });
      return;
    }
    if (!(await services.system.databaseAnswers(PING_TIMEOUT_MS))) {
      res.status(503).json({ status: 'down', redis: 'ok', database: 'unreachable', reason: `the database did not answer within ${PING_TIMEOUT_MS} ms` });
      return;
    }
    const report = await checkHealthWithin(services);
    res.json({ status: report.status, redis: 'ok', database: 'ok', checks: report.checks.filter((check) => !check.ok) });
  });
  return router;
}

/**
 * The health checks, or, when they take too long or fail, one failing `health.unchecked` check
 * that says so: the caller always gets a report to show.
 */
export async function checkHealthWithin(services: Services, timeoutMs = CHECKS_TIMEOUT_MS): Promise<HealthReport> {
  const now = Date.now();
  const unchecked = (detail: string): HealthReport => ({ status: 'degraded', checkedAt: now, checks: [{ event: 'health.unchecked', ok: false, detail }] });
  try {
    return (await withTimeout(checkHealth(services, now), timeoutMs)) ?? unchecked(`the health checks did not finish within ${timeoutMs} ms`);
  } catch (err) {
    services.log.warn({ err, event: 'health.check_failed' }, 'health checks failed');
    return unchecked(`the health checks failed: ${(err as Error).message}`);
  }
}

/** The promise's value, or undefined once `ms` have passed (the promise is left to settle alone). */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
