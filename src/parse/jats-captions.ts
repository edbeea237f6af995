/**
 * Captions of JATS display objects (`<fig>`, `<table-wrap>`), in both forms litwatch keeps:
 * card inline form for the Figures section and the graphical abstract, plain text for passages.
 */
import { blockToCard, blockToPlain, findElements, type JatsElement } from './jats-elements.ts';
import { inlineToPlain } from './inline-markup.ts';

export interface Caption {
  /** "Figure 1", plain text, when the object has a `<label>`. */
  label?: string;
  /** The caption's title then its paragraphs, card inline form; '' when there is no caption. */
  card: string;
  /** The same text, plain. */
  plain: string;
}

/** Label and caption of a `<fig>` or `<table-wrap>`. */
export function readCaption(object: JatsElement): Caption {
  // Only the object's own label and caption: a list inside the caption has labels too.
  const parts = findElements(object.inner, ['label', 'caption']);
  const label = inlineToPlain(parts.find((part) => part.name === 'label')?.inner ?? '');
  const caption = parts.find((part) => part.name === 'caption');
  const blocks = caption ? findElements(caption.inner, ['title', 'p']).map((block) => block.inner) : [];
  // A caption written as bare text, without <title> or <p>, is still a caption.
  if (caption && blocks.length === 0) blocks.push(caption.inner);
  const result: Caption = { card: joinBlocks(blocks, blockToCard), plain: joinBlocks(blocks, blockToPlain) };
  if (label) result.label = label;
  return result;
}

function joinBlocks(blocks: string[], convert: (raw: string) => string): string {
  return blocks
    .map(convert)
    .filter((text) => text !== '')
    .join(' ');
}

const GRAPHICAL_ABSTRACT = /graphical[\s_-]*abstract/i;

/**
 * A figure that is the graphical abstract rather than one of the paper's figures: publishers
 * that do not use `<abstract abstract-type="graphical">` mark it with `fig-type` or
 * `specific-use`, or only by its label.
 */
export function isGraphicalAbstractFigure(fig: JatsElement, caption: Caption): boolean {
  const { 'fig-type': figType = '', 'specific-use': specificUse = '' } = fig.attrs;
  return GRAPHICAL_ABSTRACT.test(figType) || GRAPHICAL_ABSTRACT.test(specificUse) || GRAPHICAL_ABSTRACT.test(caption.label ?? '');
}
