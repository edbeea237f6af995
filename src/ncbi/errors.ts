/** Failures talking to NCBI, split by what the caller should do about them. */

/** A reply that may succeed if asked again later: 429, 5xx, timeout, reset, rate-limit body. */
export class NcbiTransientError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** Seconds NCBI asked us to wait (`Retry-After`), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'NcbiTransientError';
  }
}

/** A reply that will not change by asking again: bad parameters, unknown database, 4xx. */
export class NcbiPermanentError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'NcbiPermanentError';
  }
}
