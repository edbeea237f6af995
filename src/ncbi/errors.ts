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

/**
 * A reply that does not have the documented shape: an HTML error page sent with status 200,
 * truncated JSON or XML, a field of the wrong type. Asking again once can help (a proxy hiccup);
 * asking for minutes cannot, so the HTTP layer retries it once and jobs then fail for good.
 */
export class NcbiUnexpectedReplyError extends Error {
  constructor(
    /** Which service answered: `esearch`, `efetch`, `idconv`, `pubtator`. */
    readonly service: string,
    message: string,
    /** The reply's first characters, for the log. */
    readonly excerpt: string,
  ) {
    super(`${service}: ${message}`);
    this.name = 'NcbiUnexpectedReplyError';
  }
}

/** The first 300 characters of a reply: what the log shows of one that did not fit. */
export function replyExcerpt(text: string): string {
  return text.slice(0, 300);
}

/** A reply past NCBI_MAX_REPLY_BYTES: cut off, and not asked for again (it would be as large). */
export class NcbiReplyTooLargeError extends NcbiUnexpectedReplyError {
  constructor(
    service: string,
    readonly limitBytes: number,
    excerpt: string,
  ) {
    super(service, `reply larger than ${limitBytes} bytes (NCBI_MAX_REPLY_BYTES); cut off`, excerpt);
    this.name = 'NcbiReplyTooLargeError';
  }
}
