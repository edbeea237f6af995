import path from 'node:path';
import { formatProblems } from './config/config-errors.ts';
import { checkConfig, WATCHES_FILE, type Config } from './config/load-config.ts';
import { watchConfigFile } from './config/watch-config-file.ts';
import { mailLimiter } from './queue/run-workers.ts';
import { syncDigestSchedulers } from './queue/sync-digest-schedulers.ts';
import { syncSchedulers } from './queue/sync-schedulers.ts';
import type { Services } from './services.ts';
import { loadedBy, newerSharedConfig, saySharedDiffers, sha256, sharedName } from './shared-config.ts';
import { syncConfigSubscribers } from './subscribers/sync-config-subscribers.ts';

/**
 * Put a config in force: every process takes it for its jobs and sets the mail rate; the
 * scheduling process also upserts or removes job schedulers and mirrors the subscribers, as at start.
 */
export async function applyConfig(services: Services, config: Config, schedule: boolean): Promise<void> {
  services.setConfig(config);
  // The queue's own rate limit, kept in Redis and read by every mail worker at each fetch: an
  // edit of digest.sendRatePerSecond holds at once on every machine, without new workers.
  const rate = mailLimiter(config.digest.sendRatePerSecond);
  await services.queues.mail.setGlobalRateLimit(rate.max, rate.duration);
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
 * Keep this process on the shared config (shared-config.ts). A saved edit of
 * config/watches.yaml is checked, stored as the newest version and applied; an edit with
 * problems is refused with the same `file:line: field: problem` lines as `litwatch config
 * check`, and never stored. Every LITWATCH_CONFIG_POLL_MS the database is asked for a newer
 * version (stored by a process on any machine), which is then applied here.
 * `version`: the shared version in force at start (settleSharedConfig).
 */
export function followConfigFile(services: Services, schedule: boolean, version = 0): () => void {
  const dir = services.env.LITWATCH_CONFIG;
  const file = path.join(dir, WATCHES_FILE);
  let current = version;
  let running = Promise.resolve();
  // One check at a time: a poll and a saved edit never apply two configs at once.
  const serially = (work: () => Promise<void>) => {
    running = running.then(work).catch((err: unknown) => {
      services.log.error({ err, event: 'config.apply_failed' }, 'a config could not be stored or applied; it will be tried again at the next poll or edit');
    });
    return running;
  };
  const follow = () =>
    serially(async () => {
      const newer = await newerSharedConfig(services, current);
      if (!newer) return;
      current = newer.version;
      if (!newer.config) return;
      await applyConfig(services, newer.config, schedule);
      services.log.info(
        { event: 'config.reloaded', version: newer.version, watches: newer.config.watches.length, subscribers: newer.config.subscribers.length },
        `${sharedName(newer.version)} in force (${newer.stored.loadedBy})`,
      );
      const local = await checkConfig(dir);
      if (!local.ok || sha256(local.source) !== newer.stored.sha256) saySharedDiffers(services, file, newer.stored, undefined);
    });
  const stopWatching = watchConfigFile(dir, {
    async onValid(_config, source) {
      await serially(async () => {
        const stored = await services.configs.store(source, sha256(source), loadedBy(file));
        if (stored.stored) services.log.info({ event: 'config.stored', version: stored.version, file }, `${file} stored as ${sharedName(stored.version)}`);
      });
      await follow();
    },
    onInvalid(problems) {
      services.log.error(
        { event: 'config.rejected', problems: problems.length },
        `config edit refused (not stored), the previous config stays in force:\n${formatProblems(problems)}`,
      );
    },
    onError(err) {
      services.log.error({ err, event: 'config.apply_failed' }, 'a valid config edit could not be applied; it will be tried again at the next edit or restart');
    },
  });
  const poll = setInterval(() => void follow(), services.env.LITWATCH_CONFIG_POLL_MS);
  poll.unref();
  return () => {
    clearInterval(poll);
    stopWatching();
  };
}
