import { defineAbbreviations, withAbbreviations, type CharSpan, type Definition } from './abbreviations.ts';
import { coordinate, type TokenMatch } from './coordination.ts';
import { longestMatch, type Dictionary } from './dictionary.ts';
import type { Mention } from './entity-types.ts';
import { tokenize, type Token } from './text-keys.ts';
import type { Vocabulary } from './vocabulary.ts';

/**
 * The offline tagger, for works PubTator has not annotated yet: diseases (MeSH ids) and
 * species (taxon ids) found by dictionary lookup. Per passage: longest match first, left to
 * right, never overlapping and never across punctuation; then coordinated mentions are joined
 * (coordination.ts); then abbreviations defined in the text are followed through the document
 * (abbreviations.ts). What it emits, exactly:
 * - one Mention per matched span, `text` as written, `offset` in document characters;
 * - a coordinated span ("breast, prostate, and lung cancers") is one Mention whose `ids` lists
 *   each disease in text order and whose `id` is the first of them (the seed card's form);
 * - a defined short form ("BoMet") is a Mention of the long form's ids at every occurrence from
 *   its definition on, and the long form's mention covers the whole long form ("Bone metastasis").
 */

export interface Passage {
  text: string;
  /** Document offset of the passage's first character. */
  offset: number;
}

export function tagText(vocabulary: Vocabulary, passages: Passage[]): Mention[] {
  const tagged = passages.map((passage) => ({ passage, spans: passageSpans(vocabulary.dictionary, passage.text) }));
  const definitions: Definition[] = tagged.flatMap(({ passage, spans }) => defineAbbreviations(passage.text, passage.offset, spans));
  return tagged
    .flatMap(({ passage, spans }) => withAbbreviations(passage.text, passage.offset, spans, definitions).map((span) => mention(passage, span)))
    .sort((a, b) => a.offset - b.offset);
}

function passageSpans(dictionary: Dictionary, text: string): CharSpan[] {
  const tokens = tokenize(text);
  return coordinate(dictionary, tokens, dictionaryMatches(dictionary, tokens)).map((m) => ({
    start: tokens[m.start]!.start,
    end: tokens[m.end - 1]!.end,
    type: m.type,
    ids: m.ids,
  }));
}

function dictionaryMatches(dictionary: Dictionary, tokens: Token[]): TokenMatch[] {
  const matches: TokenMatch[] = [];
  for (let i = 0; i < tokens.length; ) {
    const match = longestMatch(dictionary, tokens, i);
    if (!match) {
      i++;
      continue;
    }
    matches.push({ start: match.start, end: match.end, type: match.entry.type, ids: [match.entry.id] });
    i = match.end;
  }
  return matches;
}

function mention(passage: Passage, span: CharSpan): Mention {
  const [id] = span.ids;
  return {
    type: span.type,
    id: id!,
    ...(span.ids.length > 1 && { ids: span.ids }),
    text: passage.text.slice(span.start, span.end),
    offset: passage.offset + span.start,
  };
}
