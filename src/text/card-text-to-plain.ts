import { inlineToPlain } from '../parse/inline-markup.ts';

/**
 * Card inline text (`*italic*`, `<sup>2+</sup>`, `&lt;`) back to plain text, for readers that
 * want words only: the entity tagger, a summariser model.
 */
export function cardTextToPlain(text: string): string {
  return inlineToPlain(text.replace(/\*([^*\n]+)\*/g, '$1'));
}
