import type { Logger } from '../log.ts';
import type { Services } from '../services.ts';
import type { WorkNotice } from './work-notice.ts';

/**
 * Put a notice on a stored work's card and owe it to every subscriber who already received the
 * work (told once, in their next digest). False when the work already carried it: the daily
 * search and the weekly re-read may both find one notice, and a re-run finds it again.
 */
export async function recordNotice(services: Services, log: Logger, workKey: string, notice: WorkNotice): Promise<{ recorded: boolean; owed: number }> {
  if (!(await services.notices.add(workKey, notice))) return { recorded: false, owed: 0 };
  log.info({ event: 'notice.recorded', workKey, kind: notice.kind, noticePmid: notice.noticePmid }, `${notice.kind}: ${workKey}`);
  let owed = 0;
  for (const subscriber of await services.subscribers.list()) {
    if (!(await services.subscribers.hasReceived(subscriber.id, workKey))) continue;
    await services.notices.owe(subscriber.id, { workKey, noticePmid: notice.noticePmid });
    owed++;
  }
  return { recorded: true, owed };
}
