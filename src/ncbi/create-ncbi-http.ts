import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ncbiRequestsPerSecond, type Env } from '../config/env.ts';
import type { Logger } from '../log.ts';
import type { BackoffOptions } from './backoff.ts';
import { NcbiHttp } from './ncbi-http.ts';
import { SharedRateLimiter } from './rate-limiter.ts';

/**
 * The limiter key names what NCBI counts against: the service's host and the API key (hashed:
 * keys are secrets). It is deliberately not under LITWATCH_PREFIX: two installations sharing a
 * Redis and a key share NCBI's budget too.
 */
export function rateLimitKey(eutilsUrl: string, apiKey: string | undefined): string {
  const who = apiKey ? createHash('sha256').update(apiKey).digest('hex').slice(0, 16) : 'anonymous';
  return `ncbi-rate:${new URL(eutilsUrl).host}:${who}`;
}

export interface NcbiTuning {
  backoff?: Partial<BackoffOptions>;
  timeoutMs?: number;
  onOutcome?: (outcome: 'ok' | 'rate_limited' | 'error') => void;
}

export function createNcbiHttp(
  env: Pick<Env, 'NCBI_EUTILS_URL' | 'NCBI_API_KEY' | 'NCBI_EMAIL' | 'NCBI_TOOL'>,
  redis: Redis,
  log: Logger,
  tuning: NcbiTuning = {},
): NcbiHttp {
  const limiter = new SharedRateLimiter(redis, {
    limit: ncbiRequestsPerSecond(env),
    key: rateLimitKey(env.NCBI_EUTILS_URL, env.NCBI_API_KEY),
  });
  return new NcbiHttp({
    baseUrl: env.NCBI_EUTILS_URL,
    tool: env.NCBI_TOOL,
    email: env.NCBI_EMAIL,
    apiKey: env.NCBI_API_KEY,
    limiter,
    log,
    ...tuning,
  });
}
