/**
 * Writes a deterministic efetch file of realistic `<PubmedArticle>` records for the card
 * benchmark. test/helpers/pubmed-xml.ts is built for correctness tests (one affiliation, tiny
 * abstracts, bare citations); a throughput figure needs the size and shape of modern records,
 * because parse time follows bytes and element count: long structured abstracts with inline
 * markup, 5-40 authors with affiliations and ORCIDs, 20-80 references with DOIs (the bulk of
 * the bytes, as in real records), MeSH, keywords, grants, a History. List lengths are skewed
 * low, as PubMed's are; the output is pretty-printed, as efetch's is.
 *
 * Only elements of pubmed_190101.dtd, in its order: that is the newest DTD Biopython ships, and
 * Entrez.read looks the declared DTD up locally to know which elements are lists.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRng, type Rng } from './prng.ts';
import * as V from './vocabulary.ts';
import { abstractXml, titleXml } from './generate-text.ts';

export const DOCTYPE = '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PUBMED 2019//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_190101.dtd">';

export interface EntrezDay {
  year: number;
  month: number;
  day: number;
}

/** One element per line, indented two spaces a level, as efetch prints. */
const leaf = (depth: number, tag: string, text: string | number, attrs = '') => `${'  '.repeat(depth)}<${tag}${attrs}>${text}</${tag}>`;
const wrap = (depth: number, tag: string, inner: string[], attrs = '') => [`${'  '.repeat(depth)}<${tag}${attrs}>`, ...inner, `${'  '.repeat(depth)}</${tag}>`];
const date = (depth: number, tag: string, d: EntrezDay, attrs = '') => {
  const [month, day] = [d.month, d.day].map((n) => String(n).padStart(2, '0'));
  return wrap(depth, tag, [leaf(depth + 1, 'Year', d.year), leaf(depth + 1, 'Month', month!), leaf(depth + 1, 'Day', day!)], attrs);
};
const times = <T>(n: number, make: (i: number) => T[]) => Array.from({ length: n }, (_, i) => make(i)).flat();

const initials = (fore: string) =>
  fore
    .split(' ')
    .map((part) => part[0])
    .join('');
const doiFor = (rng: Rng, journal: V.Journal, year: number, suffix: number) =>
  `10.${rng.int(1000, 1999)}/${journal.iso.replace(/\W+/g, '').toLowerCase()}.${year}.${suffix}`;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function authorXml(rng: Rng, depth: number): string[] {
  const fore = rng.pick(V.FORE_NAMES);
  const inner = [leaf(depth + 1, 'LastName', rng.pick(V.LAST_NAMES)), leaf(depth + 1, 'ForeName', fore), leaf(depth + 1, 'Initials', initials(fore))];
  if (rng.chance(0.25)) {
    inner.push(leaf(depth + 1, 'Identifier', `0000-000${rng.int(1, 3)}-${rng.int(1000, 9999)}-${rng.int(1000, 9999)}`, ' Source="ORCID"'));
  }
  for (let i = rng.chance(0.25) ? 2 : 1; i > 0; i--) {
    const affiliation = `${rng.pick(V.DEPARTMENTS)}, ${rng.pick(V.INSTITUTIONS)}.`;
    inner.push(...wrap(depth + 1, 'AffiliationInfo', [leaf(depth + 2, 'Affiliation', affiliation)]));
  }
  return wrap(depth, 'Author', inner, rng.chance(0.05) ? ' ValidYN="Y" EqualContrib="Y"' : ' ValidYN="Y"');
}

function referenceXml(rng: Rng, depth: number): string[] {
  const journal = rng.pick(V.JOURNALS);
  const year = rng.int(1995, 2025);
  const doi = doiFor(rng, journal, year, rng.int(100, 99999));
  const name = () => `${rng.pick(V.LAST_NAMES)} ${initials(rng.pick(V.FORE_NAMES))}`;
  const where = `${journal.iso}. ${year};${rng.int(1, 80)}(${rng.int(1, 12)}):${rng.int(1, 900)}-${rng.int(901, 999)}.`;
  const citation = `${name()}, ${name()}, et al. ${titleXml(rng).replace(/<[^>]+>/g, '')} ${where}`;
  const ids = [leaf(depth + 2, 'ArticleId', doi, ' IdType="doi"')];
  if (rng.chance(0.6)) ids.push(leaf(depth + 2, 'ArticleId', rng.int(10_000_000, 39_999_999), ' IdType="pubmed"'));
  return wrap(depth, 'Reference', [leaf(depth + 1, 'Citation', citation), ...wrap(depth + 1, 'ArticleIdList', ids)]);
}

function meshXml(rng: Rng, depth: number): string[] {
  const headings = times(rng.int(5, 15), () => {
    const [ui, name] = rng.pick(V.MESH);
    const inner = [leaf(depth + 2, 'DescriptorName', name, ` UI="${ui}" MajorTopicYN="${rng.chance(0.2) ? 'Y' : 'N'}"`)];
    if (rng.chance(0.5)) {
      const [qui, qname] = rng.pick(V.QUALIFIERS);
      inner.push(leaf(depth + 2, 'QualifierName', qname, ` UI="${qui}" MajorTopicYN="${rng.chance(0.3) ? 'Y' : 'N'}"`));
    }
    return wrap(depth + 1, 'MeshHeading', inner);
  });
  return wrap(depth, 'MeshHeadingList', headings);
}

function articleElement(rng: Rng, journal: V.Journal, doi: string, entrez: EntrezDay): string[] {
  const [typeUi, typeName] = rng.pick(V.PUBLICATION_TYPES);
  const pubDate = wrap(5, 'PubDate', [leaf(6, 'Year', entrez.year), leaf(6, 'Month', MONTHS[entrez.month - 1]!)]);
  const grant = [leaf(5, 'GrantID', `R01 CA${rng.int(100000, 299999)}`), leaf(5, 'Agency', 'NCI NIH HHS'), leaf(5, 'Country', 'United States')];
  const inner = [
    ...wrap(3, 'Journal', [
      leaf(4, 'ISSN', journal.issn, ' IssnType="Electronic"'),
      ...wrap(4, 'JournalIssue', [leaf(5, 'Volume', rng.int(1, 80)), leaf(5, 'Issue', rng.int(1, 12)), ...pubDate], ' CitedMedium="Internet"'),
      leaf(4, 'Title', journal.title),
      leaf(4, 'ISOAbbreviation', journal.iso),
    ]),
    leaf(3, 'ArticleTitle', titleXml(rng)),
    ...wrap(3, 'Pagination', [leaf(4, 'MedlinePgn', `${rng.int(1, 500)}-${rng.int(501, 999)}`)]),
    leaf(3, 'ELocationID', doi, ' EIdType="doi" ValidYN="Y"'),
    ...wrap(3, 'Abstract', [...abstractXml(rng, 4), leaf(4, 'CopyrightInformation', `© ${entrez.year} The Authors.`)]),
    ...wrap(
      3,
      'AuthorList',
      times(rng.skewed(5, 40), () => authorXml(rng, 4)),
      ' CompleteYN="Y"',
    ),
    leaf(3, 'Language', 'eng'),
    ...(rng.chance(0.3) ? wrap(3, 'GrantList', wrap(4, 'Grant', grant), ' CompleteYN="Y"') : []),
    ...wrap(3, 'PublicationTypeList', [leaf(4, 'PublicationType', typeName, ` UI="${typeUi}"`)]),
    ...date(3, 'ArticleDate', entrez, ' DateType="Electronic"'),
  ];
  return wrap(2, 'Article', inner, ' PubModel="Print-Electronic"');
}

function medlineCitation(rng: Rng, pmid: number, journal: V.Journal, doi: string, entrez: EntrezDay): string[] {
  const journalInfo = [
    leaf(3, 'Country', 'Netherlands'),
    leaf(3, 'MedlineTA', journal.iso),
    leaf(3, 'NlmUniqueID', rng.int(100000000, 999999999)),
    leaf(3, 'ISSNLinking', journal.issn),
  ];
  const keywords = times(rng.int(3, 8), () => [leaf(3, 'Keyword', rng.pick(V.KEYWORDS), ' MajorTopicYN="N"')]);
  const inner = [
    leaf(2, 'PMID', pmid, ' Version="1"'),
    ...date(2, 'DateRevised', entrez),
    ...articleElement(rng, journal, doi, entrez),
    ...wrap(2, 'MedlineJournalInfo', journalInfo),
    leaf(2, 'CitationSubset', 'IM'),
    ...meshXml(rng, 2),
    ...wrap(2, 'KeywordList', keywords, ' Owner="NOTNLM"'),
    leaf(2, 'CoiStatement', 'The authors declare no competing interests.'),
  ];
  return wrap(1, 'MedlineCitation', inner, ' Status="MEDLINE" Owner="NLM" IndexingMethod="Automated"');
}

function pubmedData(rng: Rng, pmid: number, doi: string, entrez: EntrezDay): string[] {
  const received: EntrezDay = { year: entrez.year, month: Math.max(1, entrez.month - 3), day: rng.int(1, 28) };
  const history = [
    ...date(3, 'PubMedPubDate', received, ' PubStatus="received"'),
    ...['accepted', 'entrez', 'pubmed'].flatMap((status) => date(3, 'PubMedPubDate', entrez, ` PubStatus="${status}"`)),
  ];
  const pii = `S${rng.int(1000, 9999)}-${rng.int(1000, 9999)}(${entrez.year % 100})${rng.int(10000, 99999)}-X`;
  const ids = [leaf(3, 'ArticleId', pmid, ' IdType="pubmed"'), leaf(3, 'ArticleId', doi, ' IdType="doi"'), leaf(3, 'ArticleId', pii, ' IdType="pii"')];
  if (rng.chance(0.5)) ids.push(leaf(3, 'ArticleId', `PMC${rng.int(9_000_000, 12_999_999)}`, ' IdType="pmc"'));
  const inner = [
    ...wrap(2, 'History', history),
    leaf(2, 'PublicationStatus', 'aheadofprint'),
    ...wrap(2, 'ArticleIdList', ids),
    ...wrap(
      2,
      'ReferenceList',
      times(rng.skewed(20, 80), () => referenceXml(rng, 3)),
    ),
  ];
  return wrap(1, 'PubmedData', inner);
}

/** One `<PubmedArticle>`, entered into PubMed on `entrez`. */
export function articleXml(rng: Rng, pmid: number, entrez: EntrezDay): string {
  const journal = rng.pick(V.JOURNALS);
  const doi = doiFor(rng, journal, entrez.year, pmid);
  return wrap(0, 'PubmedArticle', [...medlineCitation(rng, pmid, journal, doi, entrez), ...pubmedData(rng, pmid, doi, entrez)]).join('\n');
}

/**
 * Writes `count` articles to `path` as one PubmedArticleSet. Same seed and count, same bytes
 * (the returned sha256 lets a reader check that two runs timed the same file); the articles of
 * a smaller file are the first articles of a larger one.
 */
export async function writeEfetchFile(path: string, count: number, seed = 20261127): Promise<{ bytes: number; sha256: string }> {
  const rng = createRng(seed);
  const out = createWriteStream(path);
  const hash = createHash('sha256');
  let bytes = 0;
  const write = async (text: string) => {
    const chunk = Buffer.from(text, 'utf8');
    bytes += chunk.length;
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await write(`<?xml version="1.0" ?>\n${DOCTYPE}\n<PubmedArticleSet>\n`);
  for (let i = 0; i < count; i++) {
    const day = { year: 2026, month: 11, day: 1 + (i % 26) };
    await write(`${articleXml(rng, 41_000_000 + i, day)}\n`);
  }
  await write('</PubmedArticleSet>\n');
  out.end();
  await once(out, 'finish');
  return { bytes, sha256: hash.digest('hex') };
}
