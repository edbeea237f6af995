/**
 * PubMed efetch XML → PubmedRecord, one record at a time.
 *
 * The response is split into records on its bytes (pubmed-split.ts), each record is pruned of
 * what the Article does not use (pubmed-prune.ts) and parsed alone (pubmed-record.ts). Memory
 * stays bounded by one record plus one chunk whatever the response size, and a record that
 * cannot be read costs only itself.
 */
import type { PubmedRecord } from './article.ts';
import { PubmedRecordError } from './pubmed-errors.ts';
import { parseRecord } from './pubmed-record.ts';
import { megabytes, PUBMED_SET, splitStream, splitText, type Chunk, type RawRecord } from './pubmed-split.ts';

export { PubmedRecordError, PubmedXmlError } from './pubmed-errors.ts';
export type { Chunk, RawRecord } from './pubmed-split.ts';

export interface PubmedParseOptions {
  /**
   * Called for each record that could not be read. The record is skipped and the others are
   * still produced; the error carries the PMID (when found) and the start of the raw record.
   * @defaultValue emits a Node process warning, so a skipped record is never silent
   */
  onRecordError?: (error: PubmedRecordError) => void;
}

/**
 * Streams the records of an efetch response (`<PubmedArticleSet>`) as they arrive. Chunks may
 * be cut anywhere, also inside a multi-byte UTF-8 character; a plain array of chunks works too
 * (`[body]`). An empty set yields nothing.
 *
 * @throws PubmedXmlError when the body is not a PubmedArticleSet (NCBI `<ERROR>`, JSON error,
 * empty body), holds an `<ERROR>`, or ends before `</PubmedArticleSet>`. Records yielded before
 * the error are complete and valid.
 */
export async function* streamPubmedRecords(source: AsyncIterable<Chunk> | Iterable<Chunk>, options: PubmedParseOptions = {}): AsyncGenerator<PubmedRecord> {
  const onError = options.onRecordError ?? warn;
  for await (const raw of splitStream(source, PUBMED_SET)) {
    const record = readRecord(raw, onError);
    if (record) yield record;
  }
}

/** The whole of a (small) efetch response at once: tests, CLI. Same code path and rules as streamPubmedRecords. */
export function parsePubmedXml(xml: string, options: PubmedParseOptions = {}): PubmedRecord[] {
  const onError = options.onRecordError ?? warn;
  const records: PubmedRecord[] = [];
  for (const raw of splitText(xml, PUBMED_SET)) {
    const record = readRecord(raw, onError);
    if (record) records.push(record);
  }
  return records;
}

/** One raw record → its PubmedRecord, or undefined after handing `onError` why it could not be read. */
export function readRecord(raw: RawRecord, onError: (error: PubmedRecordError) => void): PubmedRecord | undefined {
  if (raw.oversized !== undefined) {
    const pmid = rawPmid(raw.xml);
    const limit = megabytes(PUBMED_SET.maxRecordBytes);
    onError(
      new PubmedRecordError(
        `${pmid ? `PMID ${pmid}` : `a <${raw.tag}>`} is ${megabytes(raw.oversized)}, over the ${limit} a record may have: skipped unread`,
        raw.xml,
        { pmid },
      ),
    );
    return undefined;
  }
  try {
    return parseRecord(raw);
  } catch (cause) {
    const pmid = rawPmid(raw.xml);
    const reason = cause instanceof Error ? cause.message : String(cause);
    const which = pmid ? `PMID ${pmid}` : `a <${raw.tag}>`;
    onError(new PubmedRecordError(`could not read ${which}, skipped: ${reason}`, raw.xml, { pmid, cause }));
    return undefined;
  }
}

function rawPmid(xml: string): string | undefined {
  return /<PMID[^>]*>\s*(\d+)\s*<\/PMID>/.exec(xml)?.[1];
}

function warn(error: PubmedRecordError): void {
  process.emitWarning(error);
}
