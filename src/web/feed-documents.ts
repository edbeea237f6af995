import { XMLBuilder } from 'fast-xml-parser';
import { dropControlCharacters } from '../text/drop-control-characters.ts';

/**
 * A watch's newest works as feeds: Atom (RFC 4287) and JSON Feed 1.1
 * (https://www.jsonfeed.org/version/1.1/). Pure: the routes gather the items.
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
      entry: items.map((item) => ({
        id: item.url,
        title: { '@_type': 'html', '#text': clean(item.titleHtml) },
        link: { '@_rel': 'alternate', '@_type': 'text/html', '@_href': item.url },
        updated: item.updated,
        published: item.published,
        // RFC 4287 wants an author per entry unless the feed has one; the record's come first.
        author: (item.authors.length > 0 ? item.authors : ['unknown']).map((name) => ({ name: clean(name) })),
        summary: { '@_type': 'text', '#text': clean(item.summary) },
      })),
    },
  });
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
        title: item.title,
        content_html: `<p>${escapeHtml(item.summary)}</p>`,
        summary: item.summary,
        date_published: item.published,
        date_modified: item.updated,
        ...(item.authors.length > 0 ? { authors: item.authors.map((name) => ({ name })) } : {}),
      })),
    },
    (_key, value: unknown) => (typeof value === 'string' ? dropControlCharacters(value) : value),
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
