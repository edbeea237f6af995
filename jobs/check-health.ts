import { z } from 'zod';
import { monitorHealth } from '../src/health/health-monitor.ts';
import type { JobContext } from '../src/queue/job-module.ts';

/** Every few minutes: run the health checks and log what changed (see src/health/). */
export const name = 'check-health';
export const queue = 'poll';

export const payloadSchema = z.object({});
export type Payload = z.infer<typeof payloadSchema>;

export async function process(_payload: Payload, ctx: JobContext): Promise<{ status: string; failing: string[] }> {
  const report = await monitorHealth(ctx.services);
  return { status: report.status, failing: report.checks.filter((c) => !c.ok).map((c) => `${c.event}${c.subject ? ` ${c.subject}` : ''}`) };
}
