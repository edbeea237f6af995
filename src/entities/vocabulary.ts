import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { addName, emptyDictionary, Priority, type Dictionary } from './dictionary.ts';
import {
  DISEASES,
  MAPPINGS,
  parseTable,
  SPECIES,
  VocabularyError,
  type DiseaseRow,
  type MappingRow,
  type SpeciesRow,
  type TableSpec,
} from './vocabulary-files.ts';

/**
 * The offline vocabulary: diseases (MeSH), species (NCBI Taxonomy) and the MeSH→MONDO
 * crosswalk, with the tagger's dictionary built over their names. Loaded once per process;
 * read-only afterwards except for the specificity memo.
 */

export interface SpeciesNames {
  scientificName: string;
  commonName?: string;
}

export interface MondoLink {
  mondoId: string;
  label: string;
  predicate: string;
}

export interface Vocabulary {
  /** MeSH id → preferred name. */
  readonly diseaseNames: ReadonlyMap<string, string>;
  readonly species: ReadonlyMap<string, SpeciesNames>;
  readonly meshToMondo: ReadonlyMap<string, readonly MondoLink[]>;
  readonly dictionary: Dictionary;
  /** specificity.ts fills this as diseases are ranked: MeSH id → depth. */
  readonly depths: Map<string, number>;
  readonly counts: { diseases: number; species: number; mappings: number };
}

export interface VocabularyTables {
  diseases: DiseaseRow[];
  species: SpeciesRow[];
  mappings: MappingRow[];
}

/**
 * Words for people and lab animals that PubTator3 normalises to a species although no
 * taxonomy file lists them so (NCBI has "mice" on the genus Mus, "rats" on Rattus sp.). They
 * are keyed by scientific name, so the taxon ids come from the vocabulary, not from here.
 */
const HOST_WORDS: Record<string, string[]> = {
  'Homo sapiens': ['patient', 'patients', 'woman', 'women', 'man', 'men', 'child', 'children', 'infant', 'infants', 'girls', 'boys'],
  'Mus musculus': ['mouse', 'mice', 'murine'],
  'Rattus norvegicus': ['rat', 'rats'],
};

/**
 * Reads diseases.tsv, species.tsv and mesh_to_mondo.tsv from `dir` (the app passes
 * `LITWATCH_VOCAB`) and builds the vocabulary. A malformed row fails the whole load with
 * `file:line: what is wrong`: a half-read vocabulary would silently tag less.
 */
export async function loadVocabulary(dir: string): Promise<Vocabulary> {
  const [diseases, species, mappings] = await Promise.allSettled([readTable(dir, DISEASES), readTable(dir, SPECIES), readTable(dir, MAPPINGS)]);
  // Unwrapped in file order, so the error is the first file's problem, not the first read to fail.
  return buildVocabulary({ diseases: fulfilled(diseases), species: fulfilled(species), mappings: fulfilled(mappings) });
}

function fulfilled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

async function readTable<Row>(dir: string, spec: TableSpec<Row>): Promise<Row[]> {
  const file = path.join(dir, spec.file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new VocabularyError(
      file,
      undefined,
      'not found; run `litwatch vocab sync` to download the vocabulary, or set LITWATCH_VOCAB to the folder that holds it',
    );
  }
  return parseTable(spec, text, file);
}

/** The three files of the vocabulary, by name. */
export const VOCABULARY_FILES: readonly string[] = [DISEASES.file, SPECIES.file, MAPPINGS.file];

/**
 * The vocabulary from the files' texts (the shared copy in the database); `where` names them in
 * a `file:line` error. A missing file is an error like a missing file in the folder.
 */
export function vocabularyFromTexts(texts: Readonly<Record<string, string>>, where: string): Vocabulary {
  const table = <Row>(spec: TableSpec<Row>): Row[] => {
    const text = texts[spec.file];
    if (text === undefined) throw new VocabularyError(path.join(where, spec.file), undefined, 'not in the stored vocabulary; run `litwatch vocab sync`');
    return parseTable(spec, text, path.join(where, spec.file));
  };
  return buildVocabulary({ diseases: table(DISEASES), species: table(SPECIES), mappings: table(MAPPINGS) });
}

export function buildVocabulary(tables: VocabularyTables): Vocabulary {
  const dictionary = emptyDictionary();
  const diseaseNames = new Map<string, string>();
  for (const row of tables.diseases) {
    diseaseNames.set(row.meshId, row.name);
    addDisease(dictionary, row);
  }
  const species = new Map<string, SpeciesNames>();
  const taxonByName = new Map<string, string>();
  for (const row of tables.species) {
    species.set(row.taxonId, { scientificName: row.scientificName, ...(row.commonName && { commonName: row.commonName }) });
    taxonByName.set(row.scientificName, row.taxonId);
    addSpecies(dictionary, row);
  }
  addHostWords(dictionary, taxonByName);
  return {
    diseaseNames,
    species,
    meshToMondo: groupMappings(tables.mappings),
    dictionary,
    depths: new Map(),
    counts: { diseases: tables.diseases.length, species: tables.species.length, mappings: tables.mappings.length },
  };
}

function addDisease(dictionary: Dictionary, row: DiseaseRow): void {
  const entry = (priority: number) => ({ type: 'Disease' as const, id: row.meshId, priority });
  addName(dictionary, row.name, entry(Priority.name));
  for (const synonym of row.synonyms) addName(dictionary, synonym, entry(Priority.synonym));
  for (const mention of row.corpusMentions) addName(dictionary, mention, entry(Priority.corpus));
}

function addSpecies(dictionary: Dictionary, row: SpeciesRow): void {
  const entry = (priority: number) => ({ type: 'Species' as const, id: row.taxonId, priority });
  addName(dictionary, row.scientificName, entry(Priority.name));
  if (row.commonName) addName(dictionary, row.commonName, entry(Priority.name));
  for (const synonym of row.synonyms) addName(dictionary, synonym, entry(Priority.synonym));
  // Papers abbreviate the genus after first use: "M. musculus", "E. coli".
  const binomial = /^(\p{Lu})\p{Ll}+ (\p{Ll}+)$/u.exec(row.scientificName);
  if (binomial) addName(dictionary, `${binomial[1]}. ${binomial[2]}`, entry(Priority.synonym));
}

function addHostWords(dictionary: Dictionary, taxonByName: ReadonlyMap<string, string>): void {
  for (const [scientificName, words] of Object.entries(HOST_WORDS)) {
    const id = taxonByName.get(scientificName);
    if (id === undefined) continue;
    for (const word of words) addName(dictionary, word, { type: 'Species', id, priority: Priority.host });
  }
}

function groupMappings(rows: MappingRow[]): Map<string, MondoLink[]> {
  const byMesh = new Map<string, MondoLink[]>();
  for (const row of rows) {
    const link = { mondoId: row.mondoId, label: row.label, predicate: row.predicate };
    byMesh.set(row.meshId, (byMesh.get(row.meshId) ?? []).concat([link]));
  }
  return byMesh;
}

/**
 * Which crosswalk predicates may link a paper's MeSH disease to a MONDO term, best first.
 * exactMatch is the same disease. hasDbXref is MONDO's own cross-reference, kept in the
 * crosswalk only where no SKOS mapping exists, and in practice names the same disease.
 * narrowMatch (the MeSH term is narrower than the MONDO one) links to a true but broader
 * term. broadMatch would link to a MONDO term narrower than anything the paper said, and
 * relatedMatch to a different disease: both are refused.
 */
const LINKING_PREDICATES = ['skos:exactMatch', 'oboInOwl:hasDbXref', 'skos:narrowMatch'];

export function mondoFor(vocabulary: Vocabulary, meshId: string): MondoLink | undefined {
  const links = vocabulary.meshToMondo.get(meshId) ?? [];
  for (const predicate of LINKING_PREDICATES) {
    const link = links.find((l) => l.predicate === predicate);
    if (link) return link;
  }
  return undefined;
}
