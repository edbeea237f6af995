/**
 * Errors of the PubMed efetch parser. Two kinds, because they call for different reactions:
 * a response that is not a record set at all fails the whole fetch (retry or fix the request),
 * while one unreadable record is reported and skipped so the rest of the batch still counts.
 */
import { decodeEntities } from './inline-markup.ts';
import type { SetShape } from './pubmed-split.ts';

/** Longest excerpt of a bad response or record quoted in an error message. */
const SNIPPET_CHARS = 300;

/** Shortens `text` for an error message: whitespace collapsed, at most SNIPPET_CHARS characters. */
export function snippet(text: string): string {
  const flat = text
    .slice(0, SNIPPET_CHARS * 4)
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS)}…` : flat;
}

/**
 * The efetch response is not a usable `<PubmedArticleSet>`: an `<ERROR>` body, a JSON error
 * (rate limit), a truncated download. The message carries NCBI's own error text; the fetch
 * should be retried or the request fixed, and records already yielded stay valid.
 */
export class PubmedXmlError extends Error {
  override readonly name = 'PubmedXmlError';
  /** NCBI's error text (`<ERROR>` content or JSON `error`) when the body had one. */
  readonly ncbiError?: string;

  constructor(message: string, ncbiError?: string) {
    super(message);
    if (ncbiError !== undefined) this.ncbiError = ncbiError;
  }
}

/**
 * One record of an otherwise good response could not be read. It is skipped (the others are
 * still yielded) and handed to the `onError` callback of the stream parser.
 */
export class PubmedRecordError extends Error {
  override readonly name = 'PubmedRecordError';
  /** The record's PMID when it could be found in the raw text. */
  readonly pmid?: string;
  /** The start of the raw record, to find it again in the response. */
  readonly snippet: string;

  constructor(message: string, rawRecord: string, options: { pmid?: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    if (options.pmid !== undefined) this.pmid = options.pmid;
    this.snippet = snippet(rawRecord);
  }
}

/** NCBI's error text from an XML `<ERROR>` element or a JSON `{"error": ...}` body. */
export function errorText(body: string): string | undefined {
  const xml = /<ERROR>([\s\S]*?)<\/ERROR>/.exec(body);
  if (xml) return decodeEntities(xml[1] ?? '').trim();
  try {
    const json: unknown = JSON.parse(body);
    if (json && typeof json === 'object') {
      const { error, ERROR } = json as Record<string, unknown>;
      const text = error ?? ERROR;
      if (typeof text === 'string') return text;
    }
  } catch {
    // not JSON either: the caller quotes the body itself
  }
  return undefined;
}

/** The error for a body that is not the expected set (`root`), quoting NCBI's message or the body's start. */
export function notASetError(body: string, shape: Pick<SetShape<string>, 'root' | 'error'>): Error {
  const text = errorText(body);
  return shape.error(`efetch response is not a ${shape.root}: ${text ?? snippet(body)}`, text);
}
