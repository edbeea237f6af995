/**
 * Errors of the PMC (JATS) efetch parser, the same two kinds as PubMed's (pubmed-errors.ts): a
 * response that is not an article set fails the whole fetch, one unreadable article is reported
 * and skipped. They are their own classes so a caller can tell which fetch failed.
 */
import { snippet } from './pubmed-errors.ts';

/**
 * The efetch db=pmc response is not a usable `<pmc-articleset>` (nor a bare `<article>`): an
 * `<ERROR>` body, a JSON error (rate limit), a truncated download. The message carries NCBI's
 * own text; retry the fetch or fix the request. Articles already yielded stay valid.
 */
export class PmcXmlError extends Error {
  override readonly name = 'PmcXmlError';
  /** NCBI's error text (`<ERROR>` content or JSON `error`) when the body had one. */
  readonly ncbiError?: string;

  constructor(message: string, ncbiError?: string) {
    super(message);
    if (ncbiError !== undefined) this.ncbiError = ncbiError;
  }
}

/** One `<article>` of an otherwise good response could not be read; it is skipped, the others are kept. */
export class PmcRecordError extends Error {
  override readonly name = 'PmcRecordError';
  /** The article's PMCID (`PMC…`) when it could be found in the raw text. */
  readonly pmcid?: string;
  /** The start of the raw article, to find it again in the response. */
  readonly snippet: string;

  constructor(message: string, rawArticle: string, options: { pmcid?: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    if (options.pmcid !== undefined) this.pmcid = options.pmcid;
    this.snippet = snippet(rawArticle);
  }
}
