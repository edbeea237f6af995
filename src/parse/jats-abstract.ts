/**
 * The `<abstract>`s of a JATS `article-meta` → the article's abstract and its graphical abstract.
 *
 * An article may carry several: the abstract proper (no `abstract-type`), a graphical abstract,
 * highlights, a teaser, a plain-language summary... Publishers deposit them in any order (the
 * graphical one often first), so the abstract is the first untyped one, else the first whose
 * type does not name one of those companions.
 */
import type { AbstractPart } from './article.ts';
import { readCaption } from './jats-captions.ts';
import { blockToCard, blockToPlain, cutElements, findElements } from './jats-elements.ts';
import { attr, rawText, type XmlValue } from './xml-tree.ts';

/** `abstract-type` values of texts that accompany the abstract without being it. */
const COMPANIONS: ReadonlySet<string> = new Set([
  'graphical',
  'teaser',
  'toc',
  'summary',
  'author-summary',
  'editor-summary',
  'executive-summary',
  'plain-language-summary',
  'lay-summary',
  'web-summary',
  'highlights',
  'author-highlights',
  'key-points',
  'precis',
  'short',
  'video',
  'audio',
  'editor',
]);

export interface JatsAbstracts {
  /** The abstract's parts in card inline form: one per section (labelled) or per paragraph. */
  parts: AbstractPart[];
  /** The whole abstract as one plain-text passage, section labels left out. */
  plain: string;
  /** The graphical abstract's caption, when there is one with text. */
  graphical?: { card: string; plain: string };
}

/** A part before conversion: its label and the raw XML of its paragraphs. */
interface RawPart {
  label?: string;
  paragraphs: string[];
}

/** Reads the `abstract` elements (kept raw by the parser) of one `article-meta`. */
export function readAbstracts(abstracts: XmlValue[]): JatsAbstracts {
  const type = (node: XmlValue): string | undefined => attr(node, 'abstract-type')?.toLowerCase();
  const main = abstracts.find((node) => type(node) === undefined) ?? abstracts.find((node) => !COMPANIONS.has(type(node) ?? ''));
  const rawParts = main === undefined ? [] : splitParts(rawText(main));
  const parts = rawParts.map(toCardPart).filter((part) => part.text !== '' || part.label !== undefined);
  const plain = rawParts
    .flatMap((part) => part.paragraphs.map(blockToPlain))
    .filter((text) => text !== '')
    .join(' ');
  const result: JatsAbstracts = { parts, plain };
  const graphicalNode = abstracts.find((node) => type(node) === 'graphical');
  const graphical = graphicalNode && graphicalText(rawText(graphicalNode));
  if (graphical) result.graphical = graphical;
  return result;
}

/**
 * Sections (`<sec><title>Background</title><p>…`) become labelled parts, nested sections parts
 * of their own; paragraphs outside any section are unlabelled parts. The abstract's own
 * `<title>` ("Abstract") is a heading, not content.
 */
function splitParts(raw: string, label?: string): RawPart[] {
  const blocks = findElements(raw, ['sec', 'p', 'title']);
  if (blocks.length === 0) return raw.trim() === '' ? [] : [{ paragraphs: [raw] }]; // bare text
  const parts: RawPart[] = [];
  const own: RawPart = label === undefined ? { paragraphs: [] } : { label, paragraphs: [] };
  for (const block of blocks) {
    if (block.name === 'p') {
      if (label === undefined) parts.push({ paragraphs: [block.inner] });
      else own.paragraphs.push(block.inner);
    } else if (block.name === 'sec') {
      parts.push(...splitParts(block.inner, sectionLabel(block.inner)));
    }
  }
  return label === undefined ? parts : [own, ...parts];
}

/** A section's title as its label, without the colon some publishers type after it. */
function sectionLabel(sectionXml: string): string {
  const title = findElements(sectionXml, ['title', 'p', 'sec'])[0];
  return title?.name === 'title' ? blockToPlain(title.inner).replace(/\s*:$/, '') : '';
}

function toCardPart(part: RawPart): AbstractPart {
  const text = part.paragraphs
    .map(blockToCard)
    .filter((t) => t !== '')
    .join(' ');
  return part.label ? { label: part.label, text } : { text };
}

/**
 * The words of a graphical abstract: its own paragraphs, then the caption of the figure it
 * holds. Its title and the figure's label ("Graphical abstract") are headings and left out.
 */
function graphicalText(raw: string): { card: string; plain: string } | undefined {
  const own = cutElements(raw, ['fig', 'title', 'label']);
  const captions = findElements(raw, ['fig']).map(readCaption);
  const card = [blockToCard(own), ...captions.map((c) => c.card)].filter((t) => t !== '').join(' ');
  if (card === '') return undefined;
  const plain = [blockToPlain(own), ...captions.map((c) => c.plain)].filter((t) => t !== '').join(' ');
  return { card, plain };
}
