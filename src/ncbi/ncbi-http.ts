import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { NcbiPermanentError, NcbiReplyTooLargeError, NcbiTransientError, NcbiUnexpectedReplyError, replyExcerpt } from './errors.ts';
import { failureInWords, networkCode, networkFailureWords, statusWords } from './failure-words.ts';
import type { SharedRateLimiter } from './rate-limiter.ts';
import { NCBI_SERVICES, takesNcbiIdentity, type NcbiService } from './service-limits.ts';
import { userAgent } from './user-agent.ts';
import { wellFormed } from '../text/well-formed.ts';

/** How one answer went, for metrics and health. */
export type NcbiOutcome = 'ok' | 'rate_limited' | 'error' | 'unexpected';

export interface NcbiHttpOptions {
  /** E-utilities base up to `/eutils`, without a trailing slash. */
  baseUrl: string;
  /** Sent as `tool` and `email` to the services that take them, as NCBI asks. */
  tool: string;
  email?: string;
  apiKey?: string;
  /** One shared limiter per service: each has its own documented rate. */
  limiters: Record<NcbiService, SharedRateLimiter>;
  log: Logger;
  /** One request's time limit. @defaultValue 120000 (a 200-record efetch can be slow) */
  timeoutMs?: number;
  /** The largest reply read; a longer one is cut off. @defaultValue 64 MiB (NCBI_MAX_REPLY_BYTES) */
  maxReplyBytes?: number;
  backoff?: Partial<BackoffOptions>;
  /** Told of every answer (metrics, health), and of what a bad one was in words; must not throw. */
  onOutcome?: (outcome: NcbiOutcome, words?: string) => void;
}

/** Counters for the benchmark and metrics. */
export interface NcbiHttpStats {
  requests: number;
  retries: number;
  rateLimited: number;
  /** Requests sent, per service. */
  byService: Record<NcbiService, number>;
}

type Params = Record<string, string | number>;

export interface CallOptions<T> {
  signal?: AbortSignal;
  /**
   * Reads the body into what the caller wants, throwing NcbiUnexpectedReplyError when it does
   * not have the documented shape: such a reply is logged, asked for once more, then given up.
   */
  read?: (text: string) => T;
}

interface Call {
  service: NcbiService;
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

const DEFAULT_MAX_REPLY_BYTES = 64 * 1024 * 1024;

/**
 * Calls to NCBI services (E-utilities, the PMC ID converter, PubTator3): each rate-limited
 * through Redis at its own rate, identified (User-Agent; tool/email/api_key where the service
 * takes them), read up to a size limit, and retried with backoff on everything that can get
 * better by waiting.
 */
export class NcbiHttp {
  readonly stats: NcbiHttpStats = {
    requests: 0,
    retries: 0,
    rateLimited: 0,
    byService: Object.fromEntries(NCBI_SERVICES.map((s) => [s, 0])) as Record<NcbiService, number>,
  };
  private readonly backoff: BackoffOptions;
  private readonly timeoutMs: number;
  private readonly maxReplyBytes: number;
  private readonly userAgent: string;

  constructor(private readonly options: NcbiHttpOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.maxReplyBytes = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
    this.userAgent = userAgent(options.email);
  }

  /** An E-utility, by POST: NCBI accepts it on every endpoint and it has no URL-length limit for long queries or id lists. */
  post<T = string>(endpoint: string, params: Params, options: CallOptions<T> = {}): Promise<T> {
    const call: Call = {
      service: 'eutils',
      method: 'POST',
      url: `${this.options.baseUrl}/${endpoint}`,
      name: endpoint,
      params: this.identify('eutils', params),
    };
    return this.withRetries(call, options);
  }

  /** The ID converter or PubTator3, by GET (as they document it). */
  get<T = string>(service: Exclude<NcbiService, 'eutils'>, url: string, params: Params, options: CallOptions<T> = {}): Promise<T> {
    const name = new URL(url).pathname.split('/').filter(Boolean).slice(-2).join('/');
    return this.withRetries({ service, method: 'GET', url, name, params: this.identify(service, params) }, options);
  }

  private identify(service: NcbiService, params: Params): URLSearchParams {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) body.set(name, String(value));
    if (!takesNcbiIdentity(service)) return body;
    body.set('tool', this.options.tool);
    if (this.options.email) body.set('email', this.options.email);
    if (this.options.apiKey) body.set('api_key', this.options.apiKey);
    return body;
  }

  private async withRetries<T>(call: Call, options: CallOptions<T>): Promise<T> {
    const { signal } = options;
    let unexpectedSeen = 0;
    for (let attempt = 1; ; attempt++) {
      let status = 0;
      try {
        const reply = await this.once(call, signal);
        status = reply.status;
        const value = options.read ? options.read(reply.text) : (reply.text as T);
        this.options.onOutcome?.('ok');
        return value;
      } catch (err) {
        if (signal?.aborted) throw err;
        this.options.onOutcome?.(outcomeOf(err), failureInWords(err));
        if (err instanceof NcbiUnexpectedReplyError) {
          this.logUnexpected(call, status, err);
          // Once more may help (a proxy's error page); more than that would only retry for minutes.
          if (err instanceof NcbiReplyTooLargeError || ++unexpectedSeen > 1) throw err;
        } else if (!(err instanceof NcbiTransientError) || attempt >= this.backoff.attempts) {
          throw err;
        }
        const delayMs = backoffDelay(attempt - 1, this.backoff, err instanceof NcbiTransientError ? err.retryAfterSeconds : undefined);
        this.stats.retries++;
        this.options.log.warn(
          {
            event: err instanceof NcbiTransientError && err.status === 429 ? 'ncbi.rate_limited' : 'ncbi.retry',
            service: call.service,
            endpoint: call.name,
            attempt,
            delayMs,
            err: (err as Error).message,
          },
          `NCBI ${call.name} failed (${(err as Error).message}); retrying in ${delayMs} ms`,
        );
        await sleep(delayMs, undefined, { signal });
      }
    }
  }

  private logUnexpected(call: Call, status: number, err: NcbiUnexpectedReplyError): void {
    this.options.log.warn(
      { event: 'ncbi.unexpected_reply', service: call.service, endpoint: call.name, status, excerpt: err.excerpt, err: err.message },
      `NCBI ${call.name} sent a reply that does not fit its documented shape (HTTP ${status}): ${err.message}`,
    );
  }

  private async once(call: Call, signal?: AbortSignal): Promise<{ status: number; text: string }> {
    const grant = await this.options.limiters[call.service].acquire(signal);
    this.stats.requests++;
    this.stats.byService[call.service]++;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const url = call.method === 'GET' ? `${call.url}?${call.params}` : call.url;
    let response: Response;
    let text: string;
    try {
      try {
        response = await fetch(url, {
          method: call.method,
          headers: { 'user-agent': this.userAgent },
          body: call.method === 'POST' ? call.params : undefined,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } finally {
        // The answer has begun (or the request failed): the server has counted it by now.
        await grant
          .release()
          .catch((err: unknown) =>
            this.options.log.warn({ err, event: 'ncbi.limiter_release_failed' }, 'could not release an NCBI rate-limit slot; it frees itself in seconds'),
          );
      }
      // Every reply's text, before any reader sees it: no lone surrogate or control character gets further (src/text/well-formed.ts).
      text = wellFormed(await this.readBody(call, response));
    } catch (err) {
      if (signal?.aborted || err instanceof NcbiUnexpectedReplyError) throw err;
      // fetch rejects with TypeError for resets/refusals and with TimeoutError on our timeout;
      // the message says what to check (failure-words.ts), not only Node's code.
      throw new NcbiTransientError(networkFailureWords(networkCode(err), call, this.timeoutMs));
    }
    return { status: response.status, text: this.check(call, response, text) };
  }

  /** The body as text, read as a stream and cut off past maxReplyBytes (a runaway reply must not fill the memory). */
  private async readBody(call: Call, response: Response): Promise<string> {
    const limit = this.maxReplyBytes;
    const declared = Number(response.headers.get('content-length') ?? NaN);
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (response.body && !(declared > limit)) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        chunks.push(value);
        if (size > limit) {
          await reader.cancel();
          break;
        }
      }
    } else {
      await response.body?.cancel();
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (declared > limit || size > limit) {
      this.options.log.error(
        {
          event: 'ncbi.reply_too_large',
          service: call.service,
          endpoint: call.name,
          limitBytes: limit,
          declaredBytes: Number.isFinite(declared) ? declared : undefined,
        },
        `NCBI ${call.name} reply is larger than NCBI_MAX_REPLY_BYTES (${limit} bytes); cut off. Raise NCBI_MAX_REPLY_BYTES if such replies are expected.`,
      );
      throw new NcbiReplyTooLargeError(call.service, limit, replyExcerpt(text));
    }
    return text;
  }

  private check(call: Call, response: Response, text: string): string {
    if (response.status === 429 || RATE_LIMIT_BODY.test(text.slice(0, 500))) {
      this.stats.rateLimited++;
      throw new NcbiTransientError(statusWords(429, call, text), 429, retryAfter(response));
    }
    if (response.status >= 500) {
      throw new NcbiTransientError(statusWords(response.status, call, text), response.status, retryAfter(response));
    }
    if (!response.ok) {
      throw new NcbiPermanentError(statusWords(response.status, call, text), response.status);
    }
    return text;
  }
}

function outcomeOf(err: unknown): NcbiOutcome {
  if (err instanceof NcbiUnexpectedReplyError) return 'unexpected';
  if (err instanceof NcbiTransientError && err.status === 429) return 'rate_limited';
  return 'error';
}

function retryAfter(response: Response): number | undefined {
  const value = Number(response.headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
