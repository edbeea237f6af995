import { NcbiPermanentError, NcbiTransientError, NcbiUnexpectedReplyError } from './errors.ts';
import type { NcbiService } from './service-limits.ts';

/**
 * What went wrong talking to NCBI, said so that an admin knows what to check: "cannot reach NCBI
 * at URL: check the network or NCBI_EUTILS_URL", not "esearch.fcgi: ECONNREFUSED". These
 * sentences become the errors' messages, so the job's failure, the watch's last poll on /admin,
 * /healthz and `poll --now` all say the same words.
 */

/** The variable that sets each service's address: what to check when it cannot be reached. */
export const SERVICE_URL_VARIABLE: Readonly<Record<NcbiService, string>> = {
  eutils: 'NCBI_EUTILS_URL',
  idconv: 'PMC_IDCONV_URL',
  pubtator: 'PUBTATOR_URL',
};

const SERVICE_NAME: Readonly<Record<NcbiService, string>> = {
  eutils: 'NCBI',
  idconv: 'the PMC ID converter',
  pubtator: 'PubTator3',
};

/** Node's codes for "nobody answered at that address": refused, reset, unreachable, DNS not answering. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** undici's and Node's codes for a connection that took too long to open or answer. */
const TIMED_OUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** OpenSSL's codes for a certificate that was not trusted; Node names them on `cause.code`. */
function isTlsCode(code: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/.test(code);
}

export interface FailedCall {
  service: NcbiService;
  /** The address asked, without its query string (it may carry the API key). */
  url: string;
}

/** Node's code of a failed `fetch` (on its cause), or the error's name for our own timeout. */
export function networkCode(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return 'timeout';
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? err.message;
}

/** A request that got no answer at all: refused, not found, timed out, or an untrusted certificate. */
export function networkFailureWords(code: string, call: FailedCall, timeoutMs: number): string {
  const who = SERVICE_NAME[call.service];
  const variable = SERVICE_URL_VARIABLE[call.service];
  if (code === 'ENOTFOUND') return `cannot find the host of ${call.url} (DNS lookup failed): check the network, a proxy, or ${variable}`;
  if (UNREACHABLE.has(code)) return `cannot reach ${who} at ${call.url} (${code}): check the network or ${variable}`;
  if (code === 'timeout' || TIMED_OUT.has(code))
    return `${who} at ${call.url} did not answer within ${Math.round(timeoutMs / 1000)} s: ${who} may be slow or down, or the network drops the connection; litwatch tries again`;
  if (isTlsCode(code))
    return `the TLS certificate of ${new URL(call.url).host} was not trusted (${code}): a proxy that intercepts HTTPS needs its CA in NODE_EXTRA_CA_CERTS; else check ${variable}`;
  return `cannot reach ${who} at ${call.url} (${code}): check the network or ${variable}`;
}

/** An answer with a status that says what the caller may do about it. */
export function statusWords(status: number, call: FailedCall, body: string): string {
  const who = SERVICE_NAME[call.service];
  if (status === 429)
    return `${who} refused the request for coming too often (HTTP 429): another program may share this address or API key; NCBI_API_KEY raises the limit to 10 requests/s; litwatch waits and tries again`;
  if (status >= 500) return `${who} at ${call.url} is failing on its side (HTTP ${status}): nothing to fix here, litwatch tries again later`;
  if (status === 404) return `${who} has no ${call.url} (HTTP 404): check ${SERVICE_URL_VARIABLE[call.service]}`;
  if (status === 401 || status === 403)
    return `${who} refused the request (HTTP ${status}): check NCBI_API_KEY, or whether a proxy blocks ${new URL(call.url).host}`;
  return `${who} refused the request (HTTP ${status}): ${body.slice(0, 200)}`;
}

/** The reply begins like a web page, not XML or JSON: a proxy's, a captive portal's, or NCBI's own error page. */
function looksLikeHtml(excerpt: string): boolean {
  return /^\s*(<!doctype html|<html|<head|<body)/i.test(excerpt);
}

const REPLY_SERVICE: Readonly<Record<string, NcbiService>> = { idconv: 'idconv', pubtator: 'pubtator' };

/**
 * Any error a job failed with, in the words an admin reads: NCBI's errors already are (see
 * ncbi-http.ts); a reply of the wrong shape is said here, because its reader does not know
 * the address it came from.
 */
export function failureInWords(err: unknown): string {
  if (err instanceof NcbiUnexpectedReplyError) {
    const variable = SERVICE_URL_VARIABLE[REPLY_SERVICE[err.service] ?? 'eutils'];
    if (looksLikeHtml(err.excerpt))
      return `${err.service} answered with a web page instead of its data: a proxy, a login page or an NCBI outage page is in the way; check the network or ${variable} (${err.message})`;
    return `${err.service} sent a reply litwatch cannot read (${err.message}); asked twice, so the job stops: if it lasts, check ${variable}`;
  }
  if (err instanceof NcbiTransientError || err instanceof NcbiPermanentError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
