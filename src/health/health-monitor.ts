import type { Services } from '../services.ts';
import { checkHealth, type HealthReport } from './check-health.ts';

/**
 * Logs health changes with each check's stable `event`: a warning when a check starts failing,
 * an info line (`health.recovered`) when it passes again. Only changes are logged, so a watch
 * silent for a week is one warning, not two thousand. What failed is kept in Redis, so every
 * process (and a restart) agrees on what is already known (a passing state: lost, each failing
 * check is logged once more).
 */
export async function monitorHealth(services: Services, now = Date.now()): Promise<HealthReport> {
  const report = await checkHealth(services, now);
  const ids = report.checks.filter((check) => !check.ok).map((check) => `${check.event}|${check.subject ?? ''}`);
  const before = await services.metrics.swapHealthFlags(new Set(ids));
  for (const check of report.checks) {
    const id = `${check.event}|${check.subject ?? ''}`;
    if (check.ok) {
      if (before.has(id))
        services.log.info({ event: 'health.recovered', check: check.event, subject: check.subject }, `${check.event} ${check.subject ?? ''}: ${check.detail}`);
      continue;
    }
    if (!before.has(id))
      services.log.warn({ event: check.event, subject: check.subject, detail: check.detail }, `${check.event} ${check.subject ?? ''}: ${check.detail}`);
  }
  return report;
}
