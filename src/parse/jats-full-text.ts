/**
 * What follows a JATS `<front>` (body, back, floats-group) → figures, reference count and the
 * plain text of the body, read from the raw XML by tag (jats-elements.ts): no tree is built
 * for the bulk of the article.
 */
import { isGraphicalAbstractFigure, readCaption, type Caption } from './jats-captions.ts';
import { blockToPlain, cutElements, findElement, findElements } from './jats-elements.ts';
import type { FullText } from './full-text.ts';

export interface JatsMatter {
  hasBody: boolean;
  figures: FullText['figures'];
  referenceCount: number;
  /** The caption of a figure marked as the graphical abstract (only used when there is no graphical `<abstract>`). */
  graphicalFigure?: Caption;
  /** Body text: one passage per section title and per paragraph, in reading order. */
  bodyPassages: string[];
  /** Figure and table captions, plain, in document order. */
  captionPassages: string[];
}

/**
 * Display objects and formulas are cut out of the body text: their captions come as caption
 * passages, and a table's cells or MathML laid out as words are not prose for a tagger.
 */
const NOT_BODY_TEXT = ['fig', 'fig-group', 'table-wrap', 'table-wrap-group', 'disp-formula', 'disp-formula-group', 'supplementary-material', 'alt-text'];

/** Reads the matter after `</front>`; sub-articles must already be cut out. */
export function readMatter(xml: string): JatsMatter {
  const body = findElement(xml, 'body');
  const matter: JatsMatter = {
    hasBody: body !== undefined && body.inner.trim() !== '',
    figures: [],
    referenceCount: countReferences(xml),
    bodyPassages: body ? bodyPassages(body.inner) : [],
    captionPassages: [],
  };
  for (const object of findElements(xml, ['fig', 'table-wrap'])) {
    const caption = readCaption(object);
    if (caption.card === '') continue; // the card counts only figures with a caption
    if (object.name === 'fig' && isGraphicalAbstractFigure(object, caption)) {
      matter.graphicalFigure ??= caption;
      continue;
    }
    if (object.name === 'fig') matter.figures.push(caption.label ? { label: caption.label, caption: caption.card } : { caption: caption.card });
    matter.captionPassages.push(caption.plain);
  }
  return matter;
}

/** Section titles and paragraphs; a paragraph's nested list stays in it, as one passage. */
function bodyPassages(bodyXml: string): string[] {
  return findElements(cutElements(bodyXml, NOT_BODY_TEXT), ['title', 'p'])
    .map((block) => blockToPlain(block.inner))
    .filter((text) => text !== '');
}

const REF_START = /<ref[\s/>]/g;

/**
 * `<ref>` elements in the `<ref-list>`s, whatever the citation inside (element-citation,
 * mixed-citation, or NLM 2.x `citation`). A nested ref-list is part of its outer one, so each
 * `<ref>` is counted once.
 */
function countReferences(xml: string): number {
  let count = 0;
  for (const list of findElements(xml, ['ref-list'])) count += list.inner.match(REF_START)?.length ?? 0;
  return count;
}
