/**
 * PMC efetch XML (`<pmc-articleset>`) or an OA package `.nxml` (a bare `<article>`) →
 * JatsArticle, one article at a time.
 *
 * The response is cut into articles on its bytes by the same splitter as PubMed's
 * (pubmed-split.ts) and each article is read alone (jats-article.ts): a 20-article efetch of
 * several MB never becomes one tree, and an article that cannot be read costs only itself.
 */
import type { JatsArticle } from './full-text.ts';
import { parseJatsArticle } from './jats-article.ts';
import { PmcRecordError, PmcXmlError } from './jats-errors.ts';
import { megabytes, splitStream, splitText, type Chunk, type RawRecord, type SetShape } from './pubmed-split.ts';

export { PmcRecordError, PmcXmlError } from './jats-errors.ts';
export type { Chunk } from './pubmed-split.ts';

export interface JatsParseOptions {
  /**
   * Called for each article that could not be read. The article is skipped and the others are
   * still produced; the error carries the PMCID (when found) and the start of the raw article.
   * @defaultValue emits a Node process warning, so a skipped article is never silent
   */
  onRecordError?: (error: PmcRecordError) => void;
}

const PMC_SET: SetShape<'article'> = {
  root: 'pmc-articleset',
  records: ['article'],
  bareRecord: 'article',
  error: (message, ncbiError) => new PmcXmlError(message, ncbiError),
  // A full text with large tables runs to a few MB; PMC's largest articles stay well under this.
  maxRecordBytes: 32e6,
};

/**
 * Streams the articles of an efetch db=pmc response as they arrive; chunks may be cut anywhere.
 * An empty set yields nothing.
 *
 * @throws PmcXmlError when the body is neither a pmc-articleset nor an article (NCBI `<ERROR>`,
 * JSON error, empty body), holds an `<ERROR>`, or ends early. Articles yielded before the error
 * are complete and valid.
 */
export async function* streamJatsArticles(source: AsyncIterable<Chunk> | Iterable<Chunk>, options: JatsParseOptions = {}): AsyncGenerator<JatsArticle> {
  const onError = options.onRecordError ?? warn;
  for await (const raw of splitStream(source, PMC_SET)) {
    const article = readArticle(raw, onError);
    if (article) yield article;
  }
}

/** The whole of a (small) response or `.nxml` at once: tests, CLI. Same rules as streamJatsArticles. */
export function parseJatsXml(xml: string, options: JatsParseOptions = {}): JatsArticle[] {
  const onError = options.onRecordError ?? warn;
  const articles: JatsArticle[] = [];
  for (const raw of splitText(xml, PMC_SET)) {
    const article = readArticle(raw, onError);
    if (article) articles.push(article);
  }
  return articles;
}

/** The PMCID in either id style, found in the raw text of an article that could not be read. */
const RAW_PMCID = /pub-id-type="pmc(?:id)?">\s*(?:PMC)?(\d+)\s*</;

function readArticle(raw: RawRecord<'article'>, onError: (error: PmcRecordError) => void): JatsArticle | undefined {
  if (raw.oversized !== undefined) {
    const digits = RAW_PMCID.exec(raw.xml)?.[1];
    const pmcid = digits ? `PMC${digits}` : undefined;
    onError(
      new PmcRecordError(
        `${pmcid ?? 'an <article>'} is ${megabytes(raw.oversized)}, over the ${megabytes(PMC_SET.maxRecordBytes)} an article may have: skipped unread`,
        raw.xml,
        { pmcid },
      ),
    );
    return undefined;
  }
  try {
    return parseJatsArticle(raw.xml);
  } catch (cause) {
    const digits = RAW_PMCID.exec(raw.xml)?.[1];
    const pmcid = digits ? `PMC${digits}` : undefined;
    const reason = cause instanceof Error ? cause.message : String(cause);
    onError(new PmcRecordError(`could not read ${pmcid ?? 'an <article>'}, skipped: ${reason}`, raw.xml, { pmcid, cause }));
    return undefined;
  }
}

function warn(error: PmcRecordError): void {
  process.emitWarning(error);
}
