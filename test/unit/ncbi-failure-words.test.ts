import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NcbiUnexpectedReplyError } from '../../src/ncbi/errors.ts';
import { failureInWords, networkCode, networkFailureWords, statusWords } from '../../src/ncbi/failure-words.ts';

const ESEARCH = { service: 'eutils' as const, url: 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi' };
const IDCONV = { service: 'idconv' as const, url: 'https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/' };

/** What undici's fetch rejects with: a TypeError whose cause carries Node's code. */
function fetchFailure(code: string): Error {
  return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
}

describe('NCBI failures in plain words', () => {
  test('a refused, reset or unreachable connection names the address and the variable that sets it', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'UND_ERR_SOCKET']) {
      assert.equal(
        networkFailureWords(networkCode(fetchFailure(code)), ESEARCH, 120_000),
        `cannot reach NCBI at ${ESEARCH.url} (${code}): check the network or NCBI_EUTILS_URL`,
      );
    }
    assert.match(networkFailureWords('ECONNREFUSED', IDCONV, 120_000), /^cannot reach the PMC ID converter at .*: check the network or PMC_IDCONV_URL$/);
  });

  test('a host that does not resolve is a DNS failure', () => {
    assert.equal(
      networkFailureWords(networkCode(fetchFailure('ENOTFOUND')), ESEARCH, 120_000),
      `cannot find the host of ${ESEARCH.url} (DNS lookup failed): check the network, a proxy, or NCBI_EUTILS_URL`,
    );
  });

  test('our own time limit and a connect timeout say how long was waited', () => {
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    assert.equal(networkCode(timeout), 'timeout');
    for (const code of ['timeout', 'UND_ERR_CONNECT_TIMEOUT'])
      assert.match(networkFailureWords(code, ESEARCH, 120_000), /^NCBI at \S+ did not answer within 120 s: /);
  });

  test('an untrusted certificate points at an intercepting proxy and NODE_EXTRA_CA_CERTS', () => {
    for (const code of ['SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED']) {
      assert.match(
        networkFailureWords(code, ESEARCH, 120_000),
        new RegExp(`^the TLS certificate of eutils\\.ncbi\\.nlm\\.nih\\.gov was not trusted \\(${code}\\): .*NODE_EXTRA_CA_CERTS`),
      );
    }
  });

  test('429 and 5xx say whose side it is and that litwatch tries again; 404 names the variable', () => {
    assert.match(statusWords(429, ESEARCH, ''), /^NCBI refused the request for coming too often \(HTTP 429\): .*NCBI_API_KEY/);
    assert.match(statusWords(503, ESEARCH, '<html>'), /^NCBI at \S+ is failing on its side \(HTTP 503\): nothing to fix here, litwatch tries again later$/);
    assert.match(statusWords(404, ESEARCH, ''), /\(HTTP 404\): check NCBI_EUTILS_URL$/);
    assert.match(statusWords(400, ESEARCH, 'bad term'), /^NCBI refused the request \(HTTP 400\): bad term$/);
  });

  test('an HTML page where XML or JSON was expected is said to be a page in the way', () => {
    const html = new NcbiUnexpectedReplyError('esearch', 'not JSON', '<!DOCTYPE html><html><title>Sign in</title>');
    assert.match(failureInWords(html), /^esearch answered with a web page instead of its data: .*check the network or NCBI_EUTILS_URL \(esearch: not JSON\)$/);
    const truncated = new NcbiUnexpectedReplyError('idconv', 'truncated JSON', '{"records": [');
    assert.match(failureInWords(truncated), /^idconv sent a reply litwatch cannot read \(idconv: truncated JSON\).*PMC_IDCONV_URL$/);
  });
});
