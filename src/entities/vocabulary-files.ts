/**
 * The three vocabulary files, in the format of ../shared/lexicon (its PROVENANCE.md): UTF-8,
 * tab-separated, one header line, `\n` line endings, no quoting, `|` between list items.
 * One definition per file serves both the loader (parseTable) and `vocab sync` (formatTable),
 * so what sync writes is exactly what the loader reads.
 */

export interface DiseaseRow {
  /** `MESH:D001943` */
  meshId: string;
  name: string;
  synonyms: string[];
  /** Annotator strings from tagged corpora; `vocab sync` has none and leaves the column empty. */
  corpusMentions: string[];
}

export interface SpeciesRow {
  taxonId: string;
  scientificName: string;
  commonName?: string;
  synonyms: string[];
  rank: string;
}

export interface MappingRow {
  meshId: string;
  /** `MONDO:0021100` */
  mondoId: string;
  label: string;
  /** Reads "mondo_id PREDICATE mesh_id", e.g. `skos:exactMatch`. */
  predicate: string;
}

/** A malformed or missing vocabulary file; the message starts `file:line:` when there is a line. */
export class VocabularyError extends Error {
  override readonly name = 'VocabularyError';

  constructor(
    readonly file: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${detail}`);
  }
}

export interface TableSpec<Row> {
  file: string;
  columns: readonly string[];
  /** Fields → row; throws an Error whose message says which field is wrong. */
  read(fields: string[]): Row;
  write(row: Row, source: string): string[];
}

const MESH_ID = /^MESH:[CD]\d+$/;

export const DISEASES: TableSpec<DiseaseRow> = {
  file: 'diseases.tsv',
  columns: ['mesh_id', 'preferred_name', 'synonyms', 'source', 'corpus_mentions'],
  read: ([meshId, name, synonyms, , corpus]) => ({
    meshId: checked('mesh_id', meshId, MESH_ID, 'a MeSH id such as MESH:D001943'),
    name: checked('preferred_name', name),
    synonyms: list(synonyms),
    corpusMentions: list(corpus),
  }),
  write: (row, source) => [row.meshId, row.name, joined(row.synonyms), source, joined(row.corpusMentions)],
};

export const SPECIES: TableSpec<SpeciesRow> = {
  file: 'species.tsv',
  columns: ['taxon_id', 'scientific_name', 'common_name', 'synonyms', 'source', 'rank'],
  read: ([taxonId, scientificName, commonName, synonyms, , rank]) => ({
    taxonId: checked('taxon_id', taxonId, /^\d+$/, 'an NCBI Taxonomy number such as 9606'),
    scientificName: checked('scientific_name', scientificName),
    ...(commonName && { commonName }),
    synonyms: list(synonyms),
    rank: rank ?? '',
  }),
  write: (row, source) => [row.taxonId, row.scientificName, row.commonName ?? '', joined(row.synonyms), source, row.rank],
};

export const MAPPINGS: TableSpec<MappingRow> = {
  file: 'mesh_to_mondo.tsv',
  columns: ['mesh_id', 'mondo_id', 'mondo_label', 'predicate', 'source'],
  read: ([meshId, mondoId, label, predicate]) => ({
    meshId: checked('mesh_id', meshId, MESH_ID, 'a MeSH id such as MESH:D001943'),
    mondoId: checked('mondo_id', mondoId, /^MONDO:\d{7}$/, 'a MONDO id such as MONDO:0021100'),
    label: checked('mondo_label', label),
    predicate: checked('predicate', predicate, /^[\w-]+:\w+$/, 'a CURIE such as skos:exactMatch'),
  }),
  write: (row, source) => [row.meshId, row.mondoId, row.label, row.predicate, source],
};

/** Every row of a file's text; `file` is only used in error messages. */
export function parseTable<Row>(spec: TableSpec<Row>, text: string, file: string): Row[] {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').replace(/\r$/, '');
  if (header !== spec.columns.join('\t')) {
    throw new VocabularyError(file, 1, `header is "${header.slice(0, 120)}", expected "${spec.columns.join('\\t')}"; re-run \`litwatch vocab sync\``);
  }
  const rows: Row[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line === '') continue;
    rows.push(parseLine(spec, line, file, i + 1));
  }
  return rows;
}

function parseLine<Row>(spec: TableSpec<Row>, line: string, file: string, lineNumber: number): Row {
  const fields = line.split('\t');
  if (fields.length !== spec.columns.length) {
    const detail = `expected ${spec.columns.length} tab-separated fields (${spec.columns.join(', ')}), found ${fields.length}`;
    throw new VocabularyError(file, lineNumber, detail);
  }
  try {
    return spec.read(fields);
  } catch (error) {
    throw new VocabularyError(file, lineNumber, (error as Error).message);
  }
}

/** The file's text: header, one line per row, a final newline. */
export function formatTable<Row>(spec: TableSpec<Row>, rows: Iterable<Row>, source: string): string {
  const lines = [spec.columns.join('\t')];
  for (const row of rows) lines.push(spec.write(row, source).map(cleanField).join('\t'));
  return `${lines.join('\n')}\n`;
}

function checked(column: string, value: string | undefined, pattern?: RegExp, expected?: string): string {
  if (!value) throw new Error(`${column} is empty`);
  if (pattern && !pattern.test(value)) throw new Error(`${column} "${value}" is not ${expected}`);
  return value;
}

function list(field: string | undefined): string[] {
  return field ? field.split('|').filter((item) => item !== '') : [];
}

/** A `|` inside an item would split it in two on reading. */
function joined(items: string[]): string {
  return items.map((item) => item.replaceAll('|', ' ')).join('|');
}

/** Tabs and line breaks would break the row; none belongs in a name. */
function cleanField(field: string): string {
  return field.replace(/[\t\r\n]+/g, ' ').trim();
}
