/**
 * `<related-article>` links of a JATS article-meta → the Article's comments and corrections,
 * so a PMC-only work can carry the same retraction and erratum notices as a PubMed record.
 * The kinds are named from this article's side, as PubMed's `RefType` is: a correction notice
 * points at the `corrected-article` (ErratumFor), a corrected article at its
 * `correction-forward` (ErratumIn).
 */
import type { CommentCorrection, CorrectionKind } from './article.ts';
import { inlineToPlain } from './inline-markup.ts';
import { attr, rawText, type XmlValue } from './xml-tree.ts';

const KINDS: Readonly<Record<string, CorrectionKind>> = {
  'corrected-article': 'ErratumFor',
  'correction-forward': 'ErratumIn',
  'retracted-article': 'RetractionOf',
  'retraction-forward': 'RetractionIn',
  'object-of-concern': 'ExpressionOfConcernFor',
  'commentary-article': 'CommentOn',
  commentary: 'CommentIn',
};

/** The links of a kind litwatch acts on; `source` is the link's text, else its typed target ("doi:10.1183/…"). */
export function parseRelatedArticles(nodes: XmlValue[]): CommentCorrection[] {
  const comments: CommentCorrection[] = [];
  for (const node of nodes) {
    const kind = KINDS[attr(node, 'related-article-type') ?? ''];
    if (kind === undefined) continue;
    const linkType = attr(node, 'ext-link-type');
    const href = attr(node, 'xlink:href')?.trim();
    const target = href ? `${linkType ?? 'link'}:${href}` : '';
    const comment: CommentCorrection = { kind, source: inlineToPlain(rawText(node)) || target };
    if (linkType === 'pubmed' && href && /^\d+$/.test(href)) comment.pmid = href;
    comments.push(comment);
  }
  return comments;
}
