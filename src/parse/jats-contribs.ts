/**
 * JATS `<contrib-group>`s → the Article's authors, in the record's order.
 *
 * Only authors: editors, reviewers and the members listed inside a group author's `<collab>`
 * are left out, as PubMed leaves out a group's investigators.
 */
import type { Author } from './article.ts';
import { inlineToPlain } from './inline-markup.ts';
import { cutElements } from './jats-elements.ts';
import { assign, bareOrcid } from './pubmed-fields.ts';
import { attr, child, children, rawText, text, type XmlValue } from './xml-tree.ts';

/** The authors of every `contrib-group` of an `article-meta`. */
export function parseContribs(meta: XmlValue | undefined): Author[] {
  return children(meta, 'contrib-group')
    .flatMap((group) => children(group, 'contrib'))
    .filter(isAuthor)
    .map(parseContrib)
    .filter((author): author is Author => author !== undefined);
}

/** `contrib-type` is optional in JATS; a contributor without one is listed with the authors. */
function isAuthor(contrib: XmlValue): boolean {
  const type = attr(contrib, 'contrib-type');
  return type === undefined || type.toLowerCase() === 'author';
}

function parseContrib(contrib: XmlValue): Author | undefined {
  const author: Author = {};
  assign(author, 'collectiveName', collectiveName(contrib));
  const name = personalName(contrib);
  const givenNames = child(name, 'given-names');
  assign(author, 'lastName', text(child(name, 'surname')));
  assign(author, 'foreName', text(givenNames));
  assign(author, 'initials', attr(givenNames, 'initials'));
  assign(author, 'suffix', text(child(name, 'suffix')));
  assign(author, 'orcid', orcid(contrib));
  if (attr(contrib, 'equal-contrib') === 'yes') author.equalContrib = true;
  return author.lastName || author.collectiveName ? author : undefined;
}

/** A group author's name as written, without its member list or footnote marks. */
function collectiveName(contrib: XmlValue): string | undefined {
  const collab = child(contrib, 'collab') ?? child(child(contrib, 'collab-alternatives'), 'collab');
  if (collab === undefined) return undefined;
  return inlineToPlain(cutElements(rawText(collab), ['contrib-group', 'xref', 'fn'])) || undefined;
}

/** `<name>`, or the first `<name>` of `<name-alternatives>` (the others transliterate it), or a `<string-name>`. */
function personalName(contrib: XmlValue): XmlValue | undefined {
  return child(contrib, 'name') ?? child(child(contrib, 'name-alternatives'), 'name') ?? child(contrib, 'string-name');
}

function orcid(contrib: XmlValue): string | undefined {
  const id = children(contrib, 'contrib-id').find((node) => attr(node, 'contrib-id-type')?.toLowerCase() === 'orcid');
  const value = text(id);
  return value ? bareOrcid(value) : undefined;
}
