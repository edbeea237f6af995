import type { Services } from '../services.ts';
import { checkHealth, type HealthReport } from './check-health.ts';

/**
 * Logs health changes with each check's stable `event`: a warning when a check starts failing,
 * an info line (`health.recovered`) when it passes again. Only changes are logged, so a watch
 * silent for a week is one warning, not two thousand. What failed is kept in Redis, so every
 * process (and a restart) agrees on what is already known.
 */
export async function monitorHealth(services: Services, now = Date.now()): Promise<HealthReport> {
  const report = await checkHealth(services, now);
  const key = services.works.keys.healthFlagged;
  const before = new Set(await services.redis.smembers(key));
  const flagged = new Set<string>();
  for (const check of report.checks) {
    const id = `${check.event}|${check.subject ?? ''}`;
    if (check.ok) {
      if (before.has(id)) services.log.info({ event: 'health.recovered', check: check.event, subject: check.subject }, `${check.event} ${check.subject ?? ''}: ${check.detail}`);
      continue;
    }
    flagged.add(id);
    if (!before.has(id)) services.log.warn({ event: check.event, subject: check.subject, detail: check.detail }, `${check.event} ${check.subject ?? ''}: ${check.detail}`);
  }
  const pipeline = services.redis.pipeline().del(key);
  if (flagged.size > 0) pipeline.sadd(key, ...flagged);
  await pipeline.exec();
  return report;
}
