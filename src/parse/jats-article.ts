/**
 * One raw JATS `<article>` → JatsArticle. Throws when the article cannot be read; the stream
 * parser turns that into a skipped article.
 *
 * The front (metadata) goes through the XML parser (jats-front.ts); the rest, most of the
 * bytes, is read by tag (jats-full-text.ts). Only the article itself is read: a
 * `<sub-article>` (a translation, a peer review, an author response) has its own front, body
 * and references and would count twice.
 */
import { withoutCommentsAndCdata } from './inline-markup.ts';
import { cutElements, findElement } from './jats-elements.ts';
import { parseFront } from './jats-front.ts';
import { readMatter } from './jats-full-text.ts';
import type { FullText, JatsArticle } from './full-text.ts';
import { parseAttributes } from './list-scanner.ts';

type Passage = JatsArticle['passages'][number];

export function parseJatsArticle(raw: string): JatsArticle {
  const xml = withoutMarkupNoise(raw);
  const front = findElement(xml, 'front');
  if (front === undefined) throw new Error('no <front> in the article');
  const { article, plainTitle, abstracts } = parseFront(xml.slice(front.start, front.end), articleAttributes(xml));
  const matter = readMatter(cutElements(xml.slice(front.end), ['sub-article', 'response']));
  const graphical = abstracts.graphical ?? matter.graphicalFigure;
  const fullText: FullText = {
    pmcid: article.pmcid,
    hasBody: matter.hasBody,
    figures: matter.figures,
    referenceCount: matter.referenceCount,
  };
  if (graphical) fullText.graphicalAbstract = graphical.card;
  // The graphical abstract's caption is read with the other captions, first.
  const captions = graphical ? [graphical.plain, ...matter.captionPassages] : matter.captionPassages;
  const passages: Passage[] = [
    { kind: 'title', text: plainTitle },
    { kind: 'abstract', text: abstracts.plain },
    ...matter.bodyPassages.map((text): Passage => ({ kind: 'body', text })),
    ...captions.map((text): Passage => ({ kind: 'caption', text })),
  ];
  return { article, fullText, passages: passages.filter((passage) => passage.text !== '') };
}

const PROCESSING_INSTRUCTION = /<\?[\s\S]*?\?>/g;

/**
 * Comments and processing instructions carry no text (typesetters leave `<?A3B2 ...?>` in the
 * middle of paragraphs), and the tag scanners would otherwise keep them as words.
 */
function withoutMarkupNoise(raw: string): string {
  const xml = withoutCommentsAndCdata(raw);
  return xml.includes('<?') ? xml.replace(PROCESSING_INSTRUCTION, '') : xml;
}

/** The `<article>` start tag's attributes (`article-type`, `xml:lang`). */
function articleAttributes(xml: string): Record<string, string> {
  const start = /<article(\s[^>]*)?>/.exec(xml);
  return parseAttributes(start?.[1] ?? '');
}
