import { FREQUENCIES } from '../../config/watches-schema.ts';
import { isTimeZone } from '../../config/schedule-checks.ts';
import { syncDigestSchedulers } from '../../queue/sync-digest-schedulers.ts';
import type { Frequency } from '../../store/subscriber-store.ts';
import { loadSettings, openRuntime, type Runtime } from '../runtime.ts';
import { writeLine } from '../write-line.ts';

/** `litwatch subscribers list|add|remove`: the admin's view; it shows addresses (it is the admin's terminal, not a log). */
async function withRuntime(run: (runtime: Runtime) => Promise<void>): Promise<void> {
  const runtime = await openRuntime(await loadSettings());
  try {
    await run(runtime);
  } finally {
    await runtime.close();
  }
}

export async function listSubscribersCommand(options: { json?: boolean }): Promise<void> {
  await withRuntime(async ({ services }) => {
    const subscribers = await services.subscribers.list();
    for (const s of subscribers) {
      if (options.json)
        await writeLine(
          JSON.stringify({ id: s.id, email: s.email, status: s.status, origin: s.origin, watches: s.watches, frequency: s.frequency, timezone: s.timezone }),
        );
      else await writeLine(`${s.email}\t${s.status}\t${s.frequency}\t${s.timezone}\t${s.watches.join(',')}\t${s.origin}`);
    }
    if (!options.json) process.stderr.write(`${subscribers.length} subscriber${subscribers.length === 1 ? '' : 's'}\n`);
  });
}

export interface AddOptions {
  watch: string[];
  frequency: string;
  timezone?: string;
}

export async function addSubscriberCommand(email: string, options: AddOptions): Promise<void> {
  const problems = checkAdd(email, options);
  await withRuntime(async ({ services }) => {
    const known = new Set(services.config().watches.map((w) => w.id));
    for (const watch of options.watch) if (!known.has(watch)) problems.push(`--watch ${watch}: no such watch (watches: ${[...known].join(', ')})`);
    if (problems.length > 0) {
      process.stderr.write(`${problems.join('\n')}\n`);
      process.exitCode = 1;
      return;
    }
    const subscriber = await services.subscribers.save(
      { email, watches: options.watch, frequency: options.frequency as Frequency, ...(options.timezone ? { timezone: options.timezone } : {}) },
      'admin',
    );
    await syncDigestSchedulers(services.queues.digest, services.config().digest, await services.subscribers.list());
    process.stdout.write(`${subscriber.email}: active, ${subscriber.frequency} digest of ${subscriber.watches.join(', ')} (${subscriber.timezone})\n`);
  });
}

function checkAdd(email: string, options: AddOptions): string[] {
  const problems: string[] = [];
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) problems.push(`email: "${email}" is not an email address`);
  if (!FREQUENCIES.includes(options.frequency as Frequency)) problems.push(`--frequency: use ${FREQUENCIES.join(' or ')}`);
  if (options.timezone && !isTimeZone(options.timezone))
    problems.push(`--timezone: unknown time zone "${options.timezone}" (an IANA name such as Europe/Paris)`);
  return problems;
}

export async function removeSubscriberCommand(email: string): Promise<void> {
  await withRuntime(async ({ services }) => {
    const subscriber = await services.subscribers.findByEmail(email);
    if (!subscriber || !(await services.subscribers.remove(subscriber.id))) {
      process.stderr.write(`no subscriber with the address ${email}\n`);
      process.exitCode = 1;
      return;
    }
    await syncDigestSchedulers(services.queues.digest, services.config().digest, await services.subscribers.list());
    const note = subscriber.origin === 'config' ? ' (it is still in config/watches.yaml: remove it there too, or the next start adds it again)' : '';
    process.stdout.write(`removed ${email}${note}\n`);
  });
}
