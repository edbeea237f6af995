/**
 * Builds `<PubmedArticle>` records in PubMed's efetch shape for the integration tests and the
 * benchmark: our own fixtures, written from the DTD, not copies of recorded responses.
 */
export interface RecordSpec {
  pmid: string;
  doi?: string;
  pmcid?: string;
  /** Inner XML of ArticleTitle (may hold <i>, <sup>...). */
  title: string;
  /** Structured abstract parts (label -> inner XML), or one unlabelled paragraph. */
  abstract?: Record<string, string> | string;
  authors?: { last: string; fore?: string; initials?: string }[];
  journal?: string;
  year?: number;
  month?: number;
  day?: number;
  /** Cited DOIs: a ReferenceList, which must never be taken for the article's own DOI. */
  references?: string[];
  mesh?: { ui: string; name: string; major?: boolean }[];
  /** CommentsCorrections (a retraction notice names the retracted article with RetractionOf). */
  comments?: { refType: string; pmid: string; source?: string }[];
  publicationType?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function abstractXml(abstract: RecordSpec['abstract']): string {
  if (!abstract) return '';
  if (typeof abstract === 'string') return `<Abstract><AbstractText>${abstract}</AbstractText></Abstract>`;
  const parts = Object.entries(abstract).map(([label, text]) => `<AbstractText Label="${label}" NlmCategory="${label.toUpperCase()}">${text}</AbstractText>`);
  return `<Abstract>${parts.join('')}</Abstract>`;
}

function authorsXml(authors: RecordSpec['authors']): string {
  if (!authors?.length) return '';
  const items = authors.map(
    (a) =>
      `<Author ValidYN="Y"><LastName>${esc(a.last)}</LastName>${a.fore ? `<ForeName>${esc(a.fore)}</ForeName>` : ''}<Initials>${a.initials ?? (a.fore ?? a.last).slice(0, 1)}</Initials><AffiliationInfo><Affiliation>Department of Oncology, University Hospital, 1 Example Road, Lyon, France.</Affiliation></AffiliationInfo></Author>`,
  );
  return `<AuthorList CompleteYN="Y">${items.join('')}</AuthorList>`;
}

function referencesXml(dois: string[] | undefined): string {
  if (!dois?.length) return '';
  const refs = dois.map(
    (doi, i) =>
      `<Reference><Citation>Author ${i + 1} et al. A cited study. J Cited. 2020;${i + 1}:1-10.</Citation><ArticleIdList><ArticleId IdType="doi">${esc(doi)}</ArticleId></ArticleIdList></Reference>`,
  );
  return `<ReferenceList>${refs.join('')}</ReferenceList>`;
}

export function pubmedArticleXml(spec: RecordSpec): string {
  const year = spec.year ?? 2026;
  const month = spec.month ?? 11;
  const day = spec.day ?? 20;
  const mesh = spec.mesh?.length
    ? `<MeshHeadingList>${spec.mesh.map((m) => `<MeshHeading><DescriptorName UI="${m.ui}" MajorTopicYN="${m.major ? 'Y' : 'N'}">${esc(m.name)}</DescriptorName></MeshHeading>`).join('')}</MeshHeadingList>`
    : '';
  const comments = spec.comments?.length
    ? `<CommentsCorrectionsList>${spec.comments.map((c) => `<CommentsCorrections RefType="${c.refType}"><RefSource>${esc(c.source ?? 'J Bone Oncol. 2026;12:100')}</RefSource><PMID Version="1">${c.pmid}</PMID></CommentsCorrections>`).join('')}</CommentsCorrectionsList>`
    : '';
  const ids = [
    `<ArticleId IdType="pubmed">${spec.pmid}</ArticleId>`,
    spec.doi ? `<ArticleId IdType="doi">${esc(spec.doi)}</ArticleId>` : '',
    spec.pmcid ? `<ArticleId IdType="pmc">${spec.pmcid}</ArticleId>` : '',
  ].join('');
  return `<PubmedArticle><MedlineCitation Status="PubMed-not-MEDLINE" Owner="NLM"><PMID Version="1">${spec.pmid}</PMID><DateRevised><Year>${year}</Year><Month>${month}</Month><Day>${day}</Day></DateRevised><Article PubModel="Print-Electronic"><Journal><ISSN IssnType="Electronic">1234-5678</ISSN><JournalIssue CitedMedium="Internet"><Volume>12</Volume><Issue>3</Issue><PubDate><Year>${year}</Year><Month>${MONTHS[month - 1]}</Month></PubDate></JournalIssue><Title>${esc(spec.journal ?? 'Journal of Bone Oncology')}</Title><ISOAbbreviation>J Bone Oncol</ISOAbbreviation></Journal><ArticleTitle>${spec.title}</ArticleTitle><Pagination><MedlinePgn>100-112</MedlinePgn></Pagination>${spec.doi ? `<ELocationID EIdType="doi" ValidYN="Y">${esc(spec.doi)}</ELocationID>` : ''}${abstractXml(spec.abstract)}${authorsXml(spec.authors)}<Language>eng</Language><PublicationTypeList><PublicationType UI="D016428">${esc(spec.publicationType ?? 'Journal Article')}</PublicationType></PublicationTypeList><ArticleDate DateType="Electronic"><Year>${year}</Year><Month>${String(month).padStart(2, '0')}</Month><Day>${String(day).padStart(2, '0')}</Day></ArticleDate></Article><MedlineJournalInfo><Country>Netherlands</Country><MedlineTA>J Bone Oncol</MedlineTA></MedlineJournalInfo>${comments}${mesh}</MedlineCitation><PubmedData><History><PubMedPubDate PubStatus="entrez"><Year>${year}</Year><Month>${month}</Month><Day>${day}</Day></PubMedPubDate></History><PublicationStatus>aheadofprint</PublicationStatus><ArticleIdList>${ids}</ArticleIdList>${referencesXml(spec.references)}</PubmedData></PubmedArticle>`;
}

/** A whole efetch document around some records. */
export function pubmedArticleSetXml(records: string[]): string {
  return `<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n${records.join('\n')}\n</PubmedArticleSet>\n`;
}
