import type { Env } from '../config/env.ts';
import type { Generated } from './first-start.ts';

export interface BannerFacts {
  env: Env;
  role: string;
  /** Which Redis (or cluster), without its password. */
  redisWhere: string;
  /** True when litwatch started its own redis-server. */
  redisStarted: boolean;
  web: boolean;
  admin: boolean;
  generated: Generated;
  database: { kind: 'postgres' | 'embedded'; where: string };
}

/**
 * The last lines of the start log: where to go and where things are, for a newcomer who just
 * ran `npm start` and for the admin reading the log after a restart.
 */
export function startBanner(facts: BannerFacts): string {
  const { env } = facts;
  const base = env.LITWATCH_PUBLIC_URL;
  const lines = [
    `litwatch is running (role ${facts.role})`,
    ...(facts.web
      ? [
          `  web:        ${base}/subscribe (subscribe), ${base}/feeds/<watch>.atom (feeds), ${base}/healthz`,
          `  dashboard:  ${facts.admin ? `${base}/admin (user ${env.DASHBOARD_USER}${facts.generated.passwordFile ? `, password in ${facts.generated.passwordFile}` : ''})` : 'off'}`,
        ]
      : ['  web:        not served by this process (role)']),
    `  mail:       ${env.SMTP_URL ? `SMTP ${new URL(env.SMTP_URL).host}` : `outbox folder ${env.LITWATCH_OUTBOX} (set SMTP_URL to send)`}`,
    `  redis:      ${facts.redisWhere}${facts.redisStarted ? ' (started by litwatch)' : ''}, key prefix ${env.LITWATCH_PREFIX}`,
    `  database:   ${facts.database.kind === 'embedded' ? `embedded PostgreSQL in ${facts.database.where} (set DATABASE_URL for several processes)` : `PostgreSQL at ${facts.database.where}`}`,
    ...(facts.generated.secretFile ? [`  secret:     ${facts.generated.secretFile} (generated; set LITWATCH_SECRET in production)`] : []),
  ];
  return lines.join('\n');
}
