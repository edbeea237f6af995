import type { CardInput } from './card-input.ts';
import { cardView, type CardBlock, type CardParagraph } from './card-view.ts';
import type { CardSummary } from './summarise.ts';

// The source line moved to card-view.ts with the rest of the card's content; callers import it from here
export { sourceLine } from './card-view.ts';

/**
 * The card as Markdown, laid out as ../shared/format/CARD.md: title, authors, source line,
 * then every section in order, each keeping its heading even when empty, then `---` and the
 * Source line, and a `Matched:` line when watches are named.
 *
 * Blocks are separated by a blank line; the one exception is `---` directly above `Source:`,
 * as in the seed. Lines added after Source (Matched, later notices) are their own paragraphs
 * so a Markdown renderer does not run them into the Source line.
 *
 * @param summary pass one already computed (cardJson does), or a summariser's; defaults to the
 *   extractive summary of the abstract.
 */
export function renderCard(input: CardInput, summary?: CardSummary): string {
  const view = cardView(input, summary);
  const blocks = [
    `# ${view.title}`,
    `**Authors:** ${view.authors}`,
    view.sourceLine,
    ...view.sections.flatMap((section) => [`## ${section.heading}`, ...section.blocks.map(blockMarkdown)]),
    `---\nSource: ${view.url}`,
    ...(view.matched.length > 0 ? [`Matched: ${view.matched.join(', ')}`] : []),
    ...view.notices.map((notice) => `Notice: ${notice}`),
    ...(view.pending ? [`Pending: ${view.pending}`] : []),
  ];
  return `${blocks.join('\n\n')}\n`;
}

function blockMarkdown(block: CardBlock): string {
  return 'list' in block ? block.list.map((item) => `- ${paragraphMarkdown(item)}`).join('\n') : paragraphMarkdown(block);
}

/** `_note_ **Label:** text url`, leaving out the parts a paragraph does not have. */
function paragraphMarkdown({ note, label, text, url }: CardParagraph): string {
  return [note && `_${note}_`, label && `**${label}:**`, text, url].filter(Boolean).join(' ');
}
