/**
 * The typed article: what the parsers produce and every later stage (store, card, digest)
 * consumes. One shape for a PubMed record today; PMC-only works (JATS) map onto it later.
 *
 * Text fields that may carry inline markup (`title`, `vernacularTitle`, `abstract[].text`) are
 * already in the card's inline form (see ../shared/format/CARD.md): italics as `*...*`,
 * `<sup>`/`<sub>` kept, other tags removed with their text kept, entities decoded, and a `<` that
 * would open an HTML tag written `&lt;`. Every other string is plain text.
 */

/** A partial date as precise as the record gives it. */
export interface PartialDate {
  year: number;
  /** 1-12 when the record names a month (or a season/range that maps to one). */
  month?: number;
  day?: number;
}

export interface Author {
  /** Personal authors. */
  lastName?: string;
  foreName?: string;
  initials?: string;
  suffix?: string;
  /** A group author (`CollectiveName`), as written. */
  collectiveName?: string;
  orcid?: string;
  equalContrib?: boolean;
}

export interface AbstractPart {
  /** Structured abstract label as the record gives it (`BACKGROUND`, `Methods`, ...). */
  label?: string;
  /** NLM's normalised category (`BACKGROUND`, `OBJECTIVE`, `METHODS`, `RESULTS`, `CONCLUSIONS`, `UNASSIGNED`). */
  nlmCategory?: string;
  /** Inline-markup text (card form). */
  text: string;
}

export interface MeshHeading {
  /** Descriptor UI, e.g. `D001859`. */
  ui: string;
  name: string;
  /** True when the descriptor or any of its qualifiers is a major topic. */
  majorTopic: boolean;
  qualifiers: { ui: string; name: string; majorTopic: boolean }[];
}

/** PubMed CommentsCorrections kinds that litwatch acts on (others are dropped). */
export type CorrectionKind =
  | 'ErratumIn'
  | 'ErratumFor'
  | 'RetractionIn'
  | 'RetractionOf'
  | 'UpdateIn'
  | 'UpdateOf'
  | 'ExpressionOfConcernIn'
  | 'ExpressionOfConcernFor'
  | 'CommentIn'
  | 'CommentOn'
  | 'RetractedandRepublishedIn'
  | 'RetractedandRepublishedFrom'
  | 'CorrectedandRepublishedIn'
  | 'CorrectedandRepublishedFrom';

export interface CommentCorrection {
  kind: CorrectionKind;
  /** `RefSource` text, e.g. "Nat Med. 2024 Jan;30(1):12". */
  source: string;
  pmid?: string;
}

export interface Article {
  /**
   * Where the record came from: a PubMed citation, a PubMed book record, or a PMC article's
   * JATS metadata (a work PMC lists before, or without, a PubMed record).
   */
  kind: 'pubmed' | 'book' | 'pmc';
  /** Always set for PubMed records; a PMC-only work may have none. */
  pmid?: string;
  /** The article's own DOI as the record writes it (not normalised), from ArticleIdList or ELocationID only. */
  doi?: string;
  /** `PMC1234567` form. */
  pmcid?: string;
  /** Inline-markup title (card form). Book records use the book/section title. */
  title: string;
  /** Title in the original language, when the record gives one; inline-markup text (card form) like `title`. */
  vernacularTitle?: string;
  abstract: AbstractPart[];
  authors: Author[];
  journal: {
    title: string;
    isoAbbreviation?: string;
    issn?: string;
    volume?: string;
    issue?: string;
  };
  pages?: string;
  /** `ArticleDate DateType="Electronic"`. */
  electronicDate?: PartialDate;
  /** The issue's `PubDate` (Year/Month/Day, Season or MedlineDate mapped). */
  pubDate?: PartialDate;
  /** The raw `MedlineDate` string when the record used one ("1998 Dec-1999 Jan"). */
  medlineDate?: string;
  languages: string[];
  publicationTypes: string[];
  keywords: string[];
  mesh: MeshHeading[];
  comments: CommentCorrection[];
  /** MedlineCitation/@Status: MEDLINE, PubMed-not-MEDLINE, In-Data-Review, In-Process, Publisher... */
  status?: string;
}

/** A `DeleteCitation` entry: PMIDs PubMed withdrew. Parsers report these, they are not articles. */
export interface DeletedCitations {
  kind: 'deleted';
  pmids: string[];
}

/** An article read from a PubMed record: it always has a PMID. */
export interface PubmedArticle extends Article {
  kind: 'pubmed' | 'book';
  pmid: string;
}

/** What the efetch stream parser yields, one at a time. */
export type PubmedRecord = PubmedArticle | DeletedCitations;
