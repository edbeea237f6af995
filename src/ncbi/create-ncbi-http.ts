import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/connect-redis.ts';
import type { Env } from '../config/env.ts';
import type { Logger } from '../log.ts';
import type { BackoffOptions } from './backoff.ts';
import { NcbiHttp, type NcbiOutcome } from './ncbi-http.ts';
import { SharedRateLimiter } from './rate-limiter.ts';
import { NCBI_SERVICES, serviceRequestsPerSecond, type NcbiService } from './service-limits.ts';

type NcbiEnv = Pick<Env, 'NCBI_EUTILS_URL' | 'PMC_IDCONV_URL' | 'PUBTATOR_URL' | 'NCBI_API_KEY' | 'NCBI_EMAIL' | 'NCBI_TOOL' | 'NCBI_MAX_REPLY_BYTES'>;

/**
 * The limiter key names what the service counts against: the service, its host and, for NCBI's
 * own services, the API key (hashed: keys are secrets). PubTator3 limits every client the same
 * whatever the key. It is deliberately not under LITWATCH_PREFIX: two installations sharing a
 * Redis and a key share NCBI's budget too.
 */
export function rateLimitKey(service: NcbiService, url: string, apiKey: string | undefined): string {
  const who = service === 'pubtator' ? 'any' : apiKey ? createHash('sha256').update(apiKey).digest('hex').slice(0, 16) : 'anonymous';
  // Braces: the limiter's two keys (`…:slots`, `…:last`) share one Redis Cluster slot.
  return `ncbi-rate:{${service}:${new URL(url).host}:${who}}`;
}

function serviceUrl(service: NcbiService, env: NcbiEnv): string {
  return service === 'eutils' ? env.NCBI_EUTILS_URL : service === 'idconv' ? env.PMC_IDCONV_URL : env.PUBTATOR_URL;
}

/** Every Redis key the limiters of an installation use (tests delete their stand-in's). */
export function rateLimitKeys(env: NcbiEnv): string[] {
  return NCBI_SERVICES.flatMap((service) => {
    const key = rateLimitKey(service, serviceUrl(service, env), env.NCBI_API_KEY);
    return [`${key}:slots`, `${key}:last`];
  });
}

export interface NcbiTuning {
  backoff?: Partial<BackoffOptions>;
  timeoutMs?: number;
  onOutcome?: (outcome: NcbiOutcome, words?: string) => void;
}

export function createNcbiHttp(env: NcbiEnv, redis: RedisClient, log: Logger, tuning: NcbiTuning = {}): NcbiHttp {
  const limiters = Object.fromEntries(
    NCBI_SERVICES.map((service) => [
      service,
      new SharedRateLimiter(redis, {
        limit: serviceRequestsPerSecond(service, env.NCBI_API_KEY),
        key: rateLimitKey(service, serviceUrl(service, env), env.NCBI_API_KEY),
      }),
    ]),
  ) as Record<NcbiService, SharedRateLimiter>;
  return new NcbiHttp({
    baseUrl: env.NCBI_EUTILS_URL,
    tool: env.NCBI_TOOL,
    email: env.NCBI_EMAIL,
    apiKey: env.NCBI_API_KEY,
    maxReplyBytes: env.NCBI_MAX_REPLY_BYTES,
    limiters,
    log,
    ...tuning,
  });
}
