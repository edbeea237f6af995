import type { Source } from '../config/watches-schema.ts';
import type { SearchWarning, SearchWarningKind } from '../ncbi/eutils.ts';

/** Every kind src/ncbi/eutils.ts reads, for checking warnings read back from a job or the store. */
export const QUERY_WARNING_KINDS = [
  'phraseNotFound',
  'fieldNotFound',
  'quotedPhraseNotFound',
  'phraseIgnored',
  'outputMessage',
] as const satisfies readonly SearchWarningKind[];

/** A search warning of one source of a watch: what PubMed or PMC searched instead of the query as written. */
export interface QueryWarning extends SearchWarning {
  source: Source;
}

const DATABASE: Record<Source, string> = { pubmed: 'PubMed', pmc: 'PMC' };

/**
 * Warnings that change what a query finds. An output message such as "No items found." only
 * describes the result (an empty window is an answer), so it is left out.
 */
export function queryChangingWarnings(source: Source, warnings: readonly SearchWarning[]): QueryWarning[] {
  const seen = new Set<string>();
  const out: QueryWarning[] = [];
  for (const warning of warnings) {
    if (warning.kind === 'outputMessage' && /^no items found\.?$/i.test(warning.phrase.trim())) continue;
    const id = `${warning.kind}|${warning.phrase}`;
    if (seen.has(id)) continue; // a window split in parts repeats its warnings
    seen.add(id);
    out.push({ source, kind: warning.kind, phrase: warning.phrase });
  }
  return out;
}

/**
 * One sentence per warning, the same in the poll log, health, `watch preview` and
 * `config check --live`: `"…" is not known to PubMed (dropped from the search)`.
 */
export function describeQueryWarning({ source, kind, phrase }: QueryWarning): string {
  const db = DATABASE[source];
  switch (kind) {
    case 'phraseNotFound':
      return `"${phrase}" is not known to ${db} (dropped from the search)`;
    case 'fieldNotFound':
      return `"${phrase}" is not a ${db} field tag (the term was dropped from the search)`;
    case 'quotedPhraseNotFound':
      return `"${phrase}" is not in ${db}'s phrase index (the quoted phrase was searched without its quotes, or not at all)`;
    case 'phraseIgnored':
      return `"${phrase}" was ignored by ${db} (a stopword or unsearchable phrase)`;
    case 'outputMessage':
      return `${db} says: ${phrase}`;
  }
}
