import { formatProblems } from './config/config-errors.ts';
import type { Config } from './config/load-config.ts';
import { watchConfigFile } from './config/watch-config-file.ts';
import { syncDigestSchedulers } from './queue/sync-digest-schedulers.ts';
import { syncSchedulers } from './queue/sync-schedulers.ts';
import type { Services } from './services.ts';
import { syncConfigSubscribers } from './subscribers/sync-config-subscribers.ts';

/**
 * Put a config in force: every process takes it for its jobs; the scheduling process also
 * upserts or removes job schedulers and mirrors the subscribers, as at start.
 */
export async function applyConfig(services: Services, config: Config, schedule: boolean): Promise<void> {
  services.setConfig(config);
  if (!schedule) return;
  const polls = await syncSchedulers(services.queues.poll, config.watches);
  const subscribers = await syncConfigSubscribers(services.subscribers, config.subscribers);
  const digests = await syncDigestSchedulers(services.queues.digest, config.digest, await services.subscribers.list());
  services.log.info(
    { event: 'schedulers.synced', polls, subscribers, digests },
    `job schedulers: ${polls.upserted.length} watches (${polls.removed.length} removed), ${digests.upserted.length} digest schedules; subscribers from config: +${subscribers.added} ~${subscribers.updated} -${subscribers.removed}`,
  );
}

/**
 * Apply every saved edit of config/watches.yaml while litwatch runs. An edit with problems is
 * refused with the same `file:line: field: problem` lines as `litwatch config check`, and the
 * last good config stays in force.
 */
export function followConfigFile(services: Services, schedule: boolean): () => void {
  return watchConfigFile(services.env.LITWATCH_CONFIG, {
    async onValid(config) {
      await applyConfig(services, config, schedule);
      services.log.info({ event: 'config.reloaded', watches: config.watches.length, subscribers: config.subscribers.length }, 'config reloaded');
    },
    onInvalid(problems) {
      services.log.error(
        { event: 'config.rejected', problems: problems.length },
        `config edit refused, the previous config stays in force:\n${formatProblems(problems)}`,
      );
    },
    onError(err) {
      services.log.error({ err, event: 'config.apply_failed' }, 'a valid config edit could not be applied; it will be tried again at the next edit or restart');
    },
  });
}
