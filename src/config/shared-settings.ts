import type { Env } from './env.ts';

/**
 * What every process of one installation must share when it runs beside others. Left unset,
 * each process would make its own: its embedded database (works stored where nobody reads
 * them), a machine-local Redis, a generated secret and dashboard password (links signed on one
 * machine refused on another), a public URL of `http://localhost` (links and Message-IDs that
 * differ by machine), an outbox folder instead of SMTP.
 */
const SHARED: readonly { names: readonly (keyof Env)[]; say: string }[] = [
  { names: ['DATABASE_URL'], say: 'DATABASE_URL' },
  { names: ['REDIS_URL', 'REDIS_CLUSTER_NODES'], say: 'REDIS_URL (or REDIS_CLUSTER_NODES)' },
  { names: ['LITWATCH_SECRET'], say: 'LITWATCH_SECRET' },
  { names: ['DASHBOARD_PASSWORD'], say: 'DASHBOARD_PASSWORD' },
  { names: ['LITWATCH_PUBLIC_URL'], say: 'LITWATCH_PUBLIC_URL' },
  { names: ['SMTP_URL'], say: 'SMTP_URL' },
];

/**
 * The shared settings a process is started without, as the environment gave them (a value
 * litwatch fills in itself, such as the default public URL, counts as missing). Empty when
 * none is missing.
 */
export function missingSharedSettings(source: NodeJS.ProcessEnv): string[] {
  return SHARED.filter(({ names }) => names.every((name) => !source[name])).map(({ say }) => say);
}
