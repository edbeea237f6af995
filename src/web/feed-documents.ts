import { XMLBuilder } from 'fast-xml-parser';
import { dropControlCharacters } from '../text/drop-control-characters.ts';
import { html, type SafeHtml } from './html.ts';

/**
 * A watch's newest works as feeds: Atom (RFC 4287) and JSON Feed 1.1
 * (https://www.jsonfeed.org/version/1.1/). Pure: the routes gather the items.
 *
 * What readers use beside the title: the DOI, the journal, the publication date and the record
 * in PubMed and PMC. Atom carries them as PRISM and Dublin Core elements (as publishers' journal
 * feeds do: `prism:doi`, `prism:publicationName`, `prism:publicationDate`, `dc:identifier`) and
 * as `rel="related"` links (RFC 4287 allows one `alternate` per type: that is the work's page);
 * JSON Feed as `external_url` (the DOI) and a `_litwatch` extension object. Both also show them
 * in the entry's HTML content, for readers that only render that. `published` stays when the
 * watch first matched the work: it orders the feed, and a publication date may be a month or a
 * year, not an instant.
 */
export interface FeedItem {
  /** The work's page: also the entry's permanent id. */
  url: string;
  /** Plain text. */
  title: string;
  /** The title as HTML (italics, sub/superscripts), for readers that show it. */
  titleHtml: string;
  authors: string[];
  /** Plain text: the TL;DR, else the start of the abstract. */
  summary: string;
  /** ISO 8601: when litwatch last changed the work. */
  updated: string;
  /** ISO 8601: when the watch first matched it. */
  published: string;
  doi?: string;
  pmid?: string;
  pmcid?: string;
  /** The journal's full title, plain text. */
  journal?: string;
  /** `YYYY-MM-DD`, `YYYY-MM` or `YYYY`: as precise as the record. */
  publicationDate?: string;
  pubmedUrl?: string;
  pmcUrl?: string;
  doiUrl?: string;
}

export interface FeedMeta {
  /** The feed's own URL (Atom's id and rel=self). */
  feedUrl: string;
  /** The page the feed stands for (the subscribe page). */
  homeUrl: string;
  title: string;
  description: string;
  /** ISO 8601, for a feed with no item yet. */
  now: string;
}

const DC = 'http://purl.org/dc/elements/1.1/';
const PRISM = 'http://prismstandard.org/namespaces/basic/2.0/';

/**
 * Characters XML 1.0 forbids beyond the control characters (a record can carry them). The
 * controls go as on every page and email: C0 ones make the feed ill-formed, C1 ones show up in
 * feed readers as garbage.
 */
const XML_FORBIDDEN = /[\uFFFE\uFFFF]/g;
const clean = (text: string) => dropControlCharacters(text).replace(XML_FORBIDDEN, '');

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true });

export function atomFeed(meta: FeedMeta, items: readonly FeedItem[]): string {
  const updated = items.reduce((latest, item) => (item.updated > latest ? item.updated : latest), items.length > 0 ? '' : meta.now);
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' },
    feed: {
      '@_xmlns': 'http://www.w3.org/2005/Atom',
      '@_xmlns:dc': DC,
      '@_xmlns:prism': PRISM,
      id: meta.feedUrl,
      title: clean(meta.title),
      subtitle: clean(meta.description),
      updated,
      link: [
        { '@_rel': 'self', '@_type': 'application/atom+xml', '@_href': meta.feedUrl },
        { '@_rel': 'alternate', '@_type': 'text/html', '@_href': meta.homeUrl },
      ],
      author: { name: 'litwatch' },
      generator: 'litwatch',
      entry: items.map(atomEntry),
    },
  });
}

function atomEntry(item: FeedItem): Record<string, unknown> {
  return {
    id: item.url,
    title: { '@_type': 'html', '#text': clean(item.titleHtml) },
    link: [
      { '@_rel': 'alternate', '@_type': 'text/html', '@_href': item.url },
      ...recordLinks(item).map((link) => ({ '@_rel': 'related', '@_type': 'text/html', '@_title': link.title, '@_href': link.href })),
    ],
    updated: item.updated,
    published: item.published,
    // RFC 4287 wants an author per entry unless the feed has one; the record's come first.
    author: (item.authors.length > 0 ? item.authors : ['unknown']).map((name) => ({ name: clean(name) })),
    summary: { '@_type': 'text', '#text': clean(item.summary) },
    content: { '@_type': 'html', '#text': clean(contentHtml(item).markup) },
    ...(item.doi ? { 'dc:identifier': `doi:${clean(item.doi)}`, 'prism:doi': clean(item.doi) } : {}),
    ...(item.journal ? { 'prism:publicationName': clean(item.journal) } : {}),
    ...(item.publicationDate ? { 'prism:publicationDate': item.publicationDate } : {}),
  };
}

export function jsonFeed(meta: FeedMeta, items: readonly FeedItem[]): string {
  return JSON.stringify(
    {
      version: 'https://jsonfeed.org/version/1.1',
      title: meta.title,
      description: meta.description,
      home_page_url: meta.homeUrl,
      feed_url: meta.feedUrl,
      language: 'en',
      authors: [{ name: 'litwatch' }],
      items: items.map((item) => ({
        id: item.url,
        url: item.url,
        ...(item.doiUrl ? { external_url: item.doiUrl } : {}),
        title: item.title,
        content_html: contentHtml(item).markup,
        summary: item.summary,
        date_published: item.published,
        date_modified: item.updated,
        ...(item.authors.length > 0 ? { authors: item.authors.map((name) => ({ name })) } : {}),
        // JSON Feed's extension objects: a key starting with `_`, ignored by readers that do not know it.
        _litwatch: {
          doi: item.doi,
          pmid: item.pmid,
          pmcid: item.pmcid,
          journal: item.journal,
          publication_date: item.publicationDate,
          pubmed_url: item.pubmedUrl,
          pmc_url: item.pmcUrl,
          doi_url: item.doiUrl,
        },
      })),
    },
    (_key, value: unknown) => (typeof value === 'string' ? dropControlCharacters(value) : value),
  );
}

/** The PubMed, PMC and DOI pages of the record, those it has. */
function recordLinks(item: FeedItem): { title: string; href: string }[] {
  return [
    item.pubmedUrl && { title: 'PubMed', href: item.pubmedUrl },
    item.pmcUrl && { title: 'PMC', href: item.pmcUrl },
    item.doiUrl && { title: 'DOI', href: item.doiUrl },
  ].filter((link): link is { title: string; href: string } => Boolean(link));
}

/** The summary, then "Journal · date", then the record's links: what a reader rendering only content needs. */
function contentHtml(item: FeedItem): SafeHtml {
  const source = [item.journal, item.publicationDate].filter(Boolean).join(' · ');
  const links = recordLinks(item).map((link, i) => html`${i > 0 && ' · '}<a href="${link.href}">${link.title}</a>`);
  return html`<p>${item.summary}</p>${source && html`<p>${source}</p>`}${item.doi && html`<p>DOI: ${item.doi}</p>`}${links.length > 0 && html`<p>${links}</p>`}`;
}
