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
import { PubmedSetSplitter, type RawRecord } from './pubmed-split.ts';

export { PubmedRecordError, PubmedXmlError } from './pubmed-errors.ts';

/** A piece of the response body: text, or UTF-8 bytes (a Node Buffer is a Uint8Array). */
export type Chunk = string | Uint8Array;

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
export async function* streamPubmedRecords(
  source: AsyncIterable<Chunk> | Iterable<Chunk>,
  options: PubmedParseOptions = {},
): AsyncGenerator<PubmedRecord> {
  const onError = options.onRecordError ?? warn;
  const splitter = new PubmedSetSplitter();
  const toBytes = textEncoder();
  for await (const chunk of source) {
    for (const raw of splitter.push(toBytes(chunk))) {
      const record = readRecord(raw, onError);
      if (record) yield record;
    }
  }
  for (const raw of splitter.push(toBytes(''))) {
    const record = readRecord(raw, onError);
    if (record) yield record;
  }
  splitter.finish();
}

/** The whole of a (small) efetch response at once: tests, CLI. Same code path and rules as streamPubmedRecords. */
export function parsePubmedXml(xml: string, options: PubmedParseOptions = {}): PubmedRecord[] {
  const onError = options.onRecordError ?? warn;
  const splitter = new PubmedSetSplitter();
  const records: PubmedRecord[] = [];
  for (const raw of splitter.push(Buffer.from(xml, 'utf8'))) {
    const record = readRecord(raw, onError);
    if (record) records.push(record);
  }
  splitter.finish();
  return records;
}

/**
 * Chunk → UTF-8 bytes. Byte chunks are used as they are; a text chunk that ends in the first
 * half of a surrogate pair keeps that half back for the next chunk, so the pair is encoded whole.
 */
function textEncoder(): (chunk: Chunk) => Buffer {
  let heldBack = '';
  return (chunk) => {
    if (typeof chunk !== 'string') {
      return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    let text = heldBack + chunk;
    heldBack = '';
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff && chunk !== '') {
      heldBack = text.slice(-1);
      text = text.slice(0, -1);
    }
    return Buffer.from(text, 'utf8');
  };
}

function readRecord(raw: RawRecord, onError: (error: PubmedRecordError) => void): PubmedRecord | undefined {
  try {
    return parseRecord(raw);
  } catch (cause) {
    const pmid = /<PMID[^>]*>\s*(\d+)\s*<\/PMID>/.exec(raw.xml)?.[1];
    const reason = cause instanceof Error ? cause.message : String(cause);
    const which = pmid ? `PMID ${pmid}` : `a <${raw.tag}>`;
    onError(new PubmedRecordError(`could not read ${which}, skipped: ${reason}`, raw.xml, { pmid, cause }));
    return undefined;
  }
}

function warn(error: PubmedRecordError): void {
  process.emitWarning(error);
}
