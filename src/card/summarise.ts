import type { AbstractPart, Article } from '../parse/article.ts';
import { collapseSpace } from './collapse-space.ts';
import { partKind, type PartKind } from './part-kind.ts';
import { splitSentences } from './sentences.ts';
import { isAimCue, isConclusionCue, isResultCue, isSampleDescription } from './summary-cues.ts';

/**
 * The card's TL;DR, Contribution and Key findings. `method` names where the text came from:
 * quoted from the abstract (the default: CARD.md "never invented text"), or written by a
 * configured summariser model, which the card then names.
 */
export interface CardSummary {
  tldr?: string;
  contribution?: string;
  findings: string[];
  method: 'extractive' | 'model';
  /** The summariser model, when method is 'model'. */
  model?: string;
}

/** One abstract sentence with where it sits: `part` and `index` keep abstract order. */
interface Sentence {
  text: string;
  kind: PartKind;
  part: number;
  index: number;
}

const MAX_FINDINGS = 3;
const MAX_CONTRIBUTION_SENTENCES = 2;

/**
 * Extractive summary. Every string returned is a verbatim slice of one abstract part (with
 * whitespace collapsed), so it can be checked against the abstract and never says more.
 */
export function summarise(article: Article): CardSummary {
  const sentences = abstractSentences(article.abstract).filter((s) => s.kind !== 'admin');
  const tldr = pickTldr(sentences);
  const contribution = pickContribution(sentences);
  const findings = pickFindings(sentences, tldr, contribution);
  return {
    tldr: tldr?.text,
    contribution: contribution.length > 0 ? contribution.map((s) => s.text).join(' ') : undefined,
    findings: findings.map((s) => s.text),
    method: 'extractive',
  };
}

function abstractSentences(parts: readonly AbstractPart[]): Sentence[] {
  let index = 0;
  return parts.flatMap((part, partIndex) => {
    const kind = partKind(part);
    return splitSentences(collapseSpace(part.text)).map((text) => ({ text, kind, part: partIndex, index: index++ }));
  });
}

/**
 * In order: the first sentence of the first conclusion part; else the first sentence with a
 * conclusion cue outside background, aim and methods parts (where "Overall, 300 patients…"
 * is not a conclusion); else the abstract's last sentence, where conclusions usually sit.
 */
function pickTldr(sentences: readonly Sentence[]): Sentence | undefined {
  return (
    sentences.find((s) => s.kind === 'conclusion') ??
    sentences.find((s) => (s.kind === 'unlabelled' || s.kind === 'results') && isConclusionCue(s.text)) ??
    sentences.at(-1)
  );
}

/**
 * The stated aim: the first aim part's opening sentences; else the first sentence with an aim
 * cue in an unlabelled, background or methods part (a results or conclusion part's "This
 * study shows…" is a finding, not the aim), joined by the next one when that also states an
 * aim ("We examined X. We also evaluated Y."). Only neighbours in one part are joined, so the
 * result stays one quote.
 */
function pickContribution(sentences: readonly Sentence[]): Sentence[] {
  const aimPart = sentences.find((s) => s.kind === 'aim')?.part;
  if (aimPart !== undefined) {
    return sentences.filter((s) => s.part === aimPart).slice(0, MAX_CONTRIBUTION_SENTENCES);
  }
  const first = sentences.findIndex((s) => (s.kind === 'unlabelled' || s.kind === 'other') && isAimCue(s.text));
  if (first === -1) return [];
  const picked = [sentences[first]!];
  const next = sentences[first + 1];
  if (next && next.part === picked[0]!.part && isAimCue(next.text)) picked.push(next);
  return picked;
}

/**
 * Up to three findings in abstract order, never the TL;DR or the contribution again. Every
 * sentence of a results part qualifies; in conclusion and unlabelled parts a sentence needs
 * a result cue. In an unlabelled part, sentences before the stated aim are background (a
 * review's prevalence figures are not its findings), so they are skipped. When there are more
 * than three, see {@link findingRank}.
 */
function pickFindings(sentences: readonly Sentence[], tldr: Sentence | undefined, contribution: readonly Sentence[]): Sentence[] {
  const taken = new Set([tldr, ...contribution]);
  const backgroundEnd = contribution.find((s) => s.kind === 'unlabelled')?.index ?? -1;
  const candidates = sentences.filter((s) => !taken.has(s) && isFindingCandidate(s) && !(s.kind === 'unlabelled' && s.index <= backgroundEnd));
  // ranked once each: the cues are regular expressions, and a sort compares each sentence many times
  const rank = new Map(candidates.map((s) => [s, findingRank(s)]));
  return candidates
    .sort((a, b) => rank.get(a)! - rank.get(b)! || a.index - b.index)
    .slice(0, MAX_FINDINGS)
    .sort((a, b) => a.index - b.index);
}

/**
 * Sentences that word an outcome come first, then plain results sentences ("Median stay was 9
 * days"), and last those that only count the sample ("A total of 300 patients were included").
 */
function findingRank(sentence: Sentence): number {
  if (isResultCue(sentence.text)) return 0;
  return isSampleDescription(sentence.text) ? 2 : 1;
}

function isFindingCandidate(sentence: Sentence): boolean {
  if (sentence.kind === 'results') return true;
  if (sentence.kind === 'conclusion' || sentence.kind === 'unlabelled') return isResultCue(sentence.text);
  return false;
}
