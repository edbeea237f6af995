import type { DiseaseRow, MappingRow, SpeciesRow } from './vocabulary-files.ts';

/**
 * Readers for the public files `vocab sync` builds the vocabulary from, each over a stream of
 * lines so that no source (MeSH's supplementary file is the largest) is held in memory whole:
 * - MeSH ASCII descriptors (d20xx.bin) and supplementary concept records (c20xx.bin), in
 *   NLM's "KEY = value" records (https://www.nlm.nih.gov/mesh/dtype.html, ctype.html);
 * - MONDO's SSSOM mapping files (`#` metadata lines, then a TSV with a header row);
 * - NCBITaxon's taxslim subset in OBO format.
 */

type Lines = AsyncIterable<string>;

/** Descriptors under the C tree (diseases) or F03 (mental disorders), as DisMaNET and CTD take them. */
const DISEASE_TREE = /^(C|F03)/;

/** MeSH disease descriptors: name → id is returned too, to recognise disease SCRs by their headings. */
export async function readMeshDescriptors(lines: Lines): Promise<{ rows: DiseaseRow[]; idByName: Map<string, string> }> {
  const rows: DiseaseRow[] = [];
  const idByName = new Map<string, string>();
  for await (const record of meshRecords(lines)) {
    const [ui] = record.get('UI') ?? [];
    const [name] = record.get('MH') ?? [];
    if (!ui || !name || !(record.get('MN') ?? []).some((tree) => DISEASE_TREE.test(tree))) continue;
    const terms = [...(record.get('PRINT ENTRY') ?? []), ...(record.get('ENTRY') ?? [])];
    rows.push(diseaseRow(ui, name, terms));
    idByName.set(name, ui);
  }
  return { rows, idByName };
}

/** Supplementary concepts whose heading mapped-to is a disease descriptor: rare diseases, mostly OMIM's. */
export async function readMeshSupplementary(lines: Lines, diseaseIdByName: ReadonlyMap<string, string>): Promise<DiseaseRow[]> {
  const rows: DiseaseRow[] = [];
  for await (const record of meshRecords(lines)) {
    const [ui] = record.get('UI') ?? [];
    const [name] = record.get('NM') ?? [];
    // "HM = *Breast Neoplasms" (the star marks a major heading), sometimes with "/qualifier".
    const headings = (record.get('HM') ?? []).map((hm) => hm.replace(/^\*/, '').split('/')[0]!.trim());
    if (ui && name && headings.some((heading) => diseaseIdByName.has(heading))) rows.push(diseaseRow(ui, name, record.get('SY') ?? []));
  }
  return rows;
}

/** Entry terms carry subfields after `|` (semantic type, lexical type, …); the term is the first. */
function diseaseRow(ui: string, name: string, terms: string[]): DiseaseRow {
  const seen = new Set([name.toLowerCase()]);
  const synonyms: string[] = [];
  for (const term of terms.map((t) => t.split('|')[0]!.trim())) {
    if (term === '' || seen.has(term.toLowerCase())) continue;
    seen.add(term.toLowerCase());
    synonyms.push(term);
  }
  return { meshId: `MESH:${ui}`, name, synonyms, corpusMentions: [] };
}

/** One Map per `*NEWRECORD`: field name → its values in file order. */
async function* meshRecords(lines: Lines): AsyncGenerator<Map<string, string[]>> {
  let record: Map<string, string[]> | undefined;
  for await (const line of lines) {
    if (line.startsWith('*NEWRECORD')) {
      if (record) yield record;
      record = new Map();
      continue;
    }
    const at = line.indexOf(' = ');
    if (!record || at < 0) continue;
    const key = line.slice(0, at);
    const values = record.get(key) ?? [];
    values.push(line.slice(at + 3).trim());
    record.set(key, values);
  }
  if (record) yield record;
}

const SSSOM_COLUMNS = ['subject_id', 'subject_label', 'predicate_id', 'object_id'] as const;

/** MONDO → MeSH rows of an SSSOM file, MeSH ids written `MESH:` as PubTator does; obsolete terms dropped. */
export async function* readSssomMappings(lines: Lines, where: string): AsyncGenerator<MappingRow> {
  let columns: Map<string, number> | undefined;
  for await (const line of lines) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const fields = line.split('\t');
    if (!columns) {
      columns = new Map(fields.map((name, i) => [name.trim(), i]));
      const missing = SSSOM_COLUMNS.filter((name) => !columns!.has(name));
      if (missing.length > 0) throw new Error(`${where}: not an SSSOM mapping file, its header lacks ${missing.join(', ')}`);
      continue;
    }
    const [subject, label, predicate, object] = SSSOM_COLUMNS.map((name) => fields[columns!.get(name)!]?.trim() ?? '');
    if (!/^MONDO:\d{7}$/.test(subject!) || !/^mesh:[CD]\d+$/i.test(object!) || !label || label.startsWith('obsolete ')) continue;
    yield { meshId: `MESH:${object!.slice(5)}`, mondoId: subject!, label, predicate: predicate! };
  }
}

/** Synonym types that name something else or a wrong spelling (PROVENANCE.md derivation). */
const DROPPED_SYNONYM_TYPES = new Set(['in_part', 'blast_name', 'misspelling', 'misnomer']);
const SYNONYM = /^synonym: "((?:[^"\\]|\\.)*)" \w+(?: (\w+))?/;

interface OboTerm {
  id?: string;
  name?: string;
  rank?: string;
  obsolete: boolean;
  synonyms: { text: string; type: string }[];
}

/** Species and subspecies of an NCBITaxon OBO file (taxslim), with their common names. */
export async function readTaxonomyObo(lines: Lines): Promise<SpeciesRow[]> {
  const rows: SpeciesRow[] = [];
  for await (const term of oboTerms(lines)) {
    const row = speciesRow(term);
    if (row) rows.push(row);
  }
  return rows;
}

function speciesRow(term: OboTerm): SpeciesRow | undefined {
  const taxonId = term.id?.match(/^NCBITaxon:(\d+)$/)?.[1];
  if (!taxonId || !term.name || term.obsolete || (term.rank !== 'species' && term.rank !== 'subspecies')) return undefined;
  const common = term.synonyms.find((s) => s.type === 'genbank_common_name') ?? term.synonyms.find((s) => s.type === 'common_name');
  const texts = term.synonyms
    .filter((s) => s !== common && !DROPPED_SYNONYM_TYPES.has(s.type))
    .map((s) => s.text)
    // Authority citations ("Homo sapiens Linnaeus, 1758") and quoted names are not how text names a species.
    .filter((text) => !/\b(1[5-9]|20)\d\d\b/.test(text) && !text.includes('"') && text !== term.name && text !== common?.text);
  const synonyms = [...new Set(texts)];
  return { taxonId, scientificName: term.name, ...(common && { commonName: common.text }), synonyms, rank: term.rank };
}

async function* oboTerms(lines: Lines): AsyncGenerator<OboTerm> {
  let term: OboTerm | undefined;
  for await (const line of lines) {
    if (line.startsWith('[')) {
      if (term) yield term;
      term = line.startsWith('[Term]') ? { obsolete: false, synonyms: [] } : undefined;
    } else if (term) {
      readOboLine(term, line);
    }
  }
  if (term) yield term;
}

function readOboLine(term: OboTerm, line: string): void {
  if (line.startsWith('id: ')) term.id = line.slice(4).trim();
  else if (line.startsWith('name: ')) term.name = line.slice(6).trim();
  else if (line.startsWith('is_obsolete: true')) term.obsolete = true;
  else if (line.startsWith('property_value: has_rank NCBITaxon:')) term.rank = line.slice(35).trim();
  else if (line.startsWith('synonym: ')) {
    const match = SYNONYM.exec(line);
    if (match) term.synonyms.push({ text: match[1]!.replace(/\\(.)/g, '$1'), type: match[2] ?? '' });
  }
}
