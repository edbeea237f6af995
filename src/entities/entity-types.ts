/**
 * Biomedical entities of a work, as the card shows them (CARD.md, "Linked entities" and
 * "Full-text entities"). Identifiers use PubTator3's forms: `MESH:D001943` for diseases and
 * chemicals, NCBI Gene ids (`673`) for genes, NCBI Taxonomy ids (`9606`) for species.
 */

export type EntityType = 'Disease' | 'Chemical' | 'Gene' | 'Species';

/** Where a work's annotations came from: PubTator3, or the offline vocabulary while PubTator has none. */
export type EntitySource = 'pubtator' | 'local';

/** One annotated span of a document's text. */
export interface Mention {
  type: EntityType;
  /** PubTator form: `MESH:D008545`, `673`, `9606`. */
  id: string;
  /**
   * Every identifier, in text order, when one span names several entities: a coordinated
   * mention ("breast, prostate, and lung cancers") or a PubTator composite id
   * (`MESH:D001943;MESH:D011471`). `id` is then the first of them, as the seed card writes
   * such a span under its first id. Absent for an ordinary mention.
   */
  ids?: string[];
  /** The text as written at this place. */
  text: string;
  /** Character offset in the document (passages in order), to order entities by first mention. */
  offset: number;
}

/** Mentions of one document (a PubMed or PMC article), from one source. */
export interface AnnotatedDocument {
  pmid?: string;
  pmcid?: string;
  source: EntitySource;
  /** What was annotated: PMC full text, or title and abstract only. */
  scope: 'fulltext' | 'abstract';
  mentions: Mention[];
}

/** One entry of the card's "Full-text entities": one per identifier, named by its first mention. */
export interface CardEntity {
  type: EntityType;
  id: string;
  /** First mention in the text (diseases, chemicals, genes). */
  mention: string;
  /** Species only: names from the taxonomy vocabulary, when known. */
  scientificName?: string;
  commonName?: string;
}

/** A disease the paper is about, as a MONDO term (CARD.md "Linked entities"). */
export interface LinkedDisease {
  /** `MONDO:0004989` */
  mondoId: string;
  label: string;
  /** The MeSH id it was mapped from. */
  meshId: string;
  /** The crosswalk row's predicate (`skos:exactMatch`, ...): how close the MONDO term is. */
  predicate?: string;
}

/** Everything the card's two entity sections show, stored per work. */
export interface WorkEntities {
  source: EntitySource;
  scope: 'fulltext' | 'abstract';
  /** In order of first mention, one per identifier, per type. */
  diseases: CardEntity[];
  chemicals: CardEntity[];
  genes: CardEntity[];
  species: CardEntity[];
  /** Most specific first; generic roots ("cancer") left out. */
  linkedDiseases: LinkedDisease[];
  /** When these annotations were made (ms). */
  annotatedAt: number;
  /** Entries a shown view leaves out of each list (src/card/bounded-card.ts); never stored. */
  cut?: Partial<Record<'diseases' | 'chemicals' | 'genes' | 'species' | 'linkedDiseases', number>>;
}
