import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { NcbiPermanentError, NcbiTransientError } from './errors.ts';
import type { SharedRateLimiter } from './rate-limiter.ts';

export interface NcbiHttpOptions {
  /** E-utilities base up to `/eutils`, without a trailing slash. */
  baseUrl: string;
  /** Sent as `tool` and `email` on every request, as NCBI asks. */
  tool: string;
  email?: string;
  apiKey?: string;
  limiter: SharedRateLimiter;
  log: Logger;
  /** One request's time limit. @defaultValue 120000 (a 200-record efetch can be slow) */
  timeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** Told of every answer (metrics, health); must not throw. */
  onOutcome?: (outcome: 'ok' | 'rate_limited' | 'error') => void;
}

/** Counters for the benchmark and, later, metrics. */
export interface NcbiHttpStats {
  requests: number;
  retries: number;
  rateLimited: number;
}

type Params = Record<string, string | number>;

interface Call {
  method: 'GET' | 'POST';
  url: string;
  /** What the logs call it: the E-utility, or the service's path. */
  name: string;
  params: URLSearchParams;
}

/**
 * NCBI's rate-limit reply. It comes as HTTP 429, and third parties report it arriving with
 * HTTP 200 too, so the body is checked whatever the status.
 */
const RATE_LIMIT_BODY = /"error"\s*:\s*"API rate limit exceeded"/;

/**
 * Calls to NCBI services (E-utilities, the PMC ID converter, PubTator3): rate-limited through
 * Redis as one budget, tool/email added, retried with backoff on everything that can get better
 * by waiting. Returns the body as text.
 */
export class NcbiHttp {
  readonly stats: NcbiHttpStats = { requests: 0, retries: 0, rateLimited: 0 };
  private readonly backoff: BackoffOptions;
  private readonly timeoutMs: number;

  constructor(private readonly options: NcbiHttpOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  /** An E-utility, by POST: NCBI accepts it on every endpoint and it has no URL-length limit for long queries or id lists. */
  post(endpoint: string, params: Params, signal?: AbortSignal): Promise<string> {
    const body = this.identify(params, true);
    return this.withRetries({ method: 'POST', url: `${this.options.baseUrl}/${endpoint}`, name: endpoint, params: body }, signal);
  }

  /** Another NCBI service (ID converter, PubTator3), by GET; the API key is an E-utilities credential and stays home. */
  get(url: string, params: Params, signal?: AbortSignal): Promise<string> {
    const name = new URL(url).pathname.split('/').filter(Boolean).slice(-2).join('/');
    return this.withRetries({ method: 'GET', url, name, params: this.identify(params, false) }, signal);
  }

  private identify(params: Params, withKey: boolean): URLSearchParams {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) body.set(name, String(value));
    body.set('tool', this.options.tool);
    if (this.options.email) body.set('email', this.options.email);
    if (withKey && this.options.apiKey) body.set('api_key', this.options.apiKey);
    return body;
  }

  private async withRetries(call: Call, signal?: AbortSignal): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(call, signal);
      } catch (err) {
        if (!(err instanceof NcbiTransientError) || attempt >= this.backoff.attempts || signal?.aborted) throw err;
        const delayMs = backoffDelay(attempt - 1, this.backoff, err.retryAfterSeconds);
        this.stats.retries++;
        this.options.log.warn(
          { event: err.status === 429 ? 'ncbi.rate_limited' : 'ncbi.retry', endpoint: call.name, attempt, delayMs, err: err.message },
          `NCBI ${call.name} failed (${err.message}); retrying in ${delayMs} ms`,
        );
        await sleep(delayMs, undefined, { signal });
      }
    }
  }

  private async once(call: Call, signal?: AbortSignal): Promise<string> {
    await this.options.limiter.acquire(signal);
    this.stats.requests++;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const url = call.method === 'GET' ? `${call.url}?${call.params}` : call.url;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: call.method,
        body: call.method === 'POST' ? call.params : undefined,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (err) {
      if (signal?.aborted) throw err;
      this.options.onOutcome?.('error');
      // fetch rejects with TypeError for resets/refusals and with TimeoutError on our timeout.
      throw new NcbiTransientError(`${call.name}: ${describeNetworkError(err)}`);
    }
    try {
      const body = this.check(call.name, response, text);
      this.options.onOutcome?.('ok');
      return body;
    } catch (err) {
      this.options.onOutcome?.(err instanceof NcbiTransientError && err.status === 429 ? 'rate_limited' : 'error');
      throw err;
    }
  }

  private check(name: string, response: Response, text: string): string {
    if (response.status === 429 || RATE_LIMIT_BODY.test(text.slice(0, 500))) {
      this.stats.rateLimited++;
      throw new NcbiTransientError(`${name}: API rate limit exceeded (HTTP ${response.status})`, 429, retryAfter(response));
    }
    if (response.status >= 500) {
      throw new NcbiTransientError(`${name}: HTTP ${response.status}`, response.status, retryAfter(response));
    }
    if (!response.ok) {
      throw new NcbiPermanentError(`${name}: HTTP ${response.status}: ${text.slice(0, 200)}`, response.status);
    }
    return text;
  }
}

function retryAfter(response: Response): number | undefined {
  const value = Number(response.headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (err.name === 'TimeoutError') return 'timed out';
  return cause?.code ?? cause?.message ?? err.message;
}
