import type { CardSummary } from './summarise.ts';
import { NO_ABSTRACT } from './abstract-section.ts';
import type { CardBlock, CardParagraph } from './card-view.ts';
import { escapeTagOpeners } from '../text/escape-tag-openers.ts';

/** What a summary section says when the abstract has no sentence that fits it. */
export const NOT_STATED: CardParagraph = { note: 'Not stated in the abstract.' };

/**
 * Bodies of the TL;DR, Contribution and Key findings sections. Without an abstract there is
 * nothing to quote, and the reader is told that rather than "not stated".
 */
export function summaryBodies(
  summary: CardSummary,
  hasAbstract: boolean,
): {
  tldr: CardBlock[];
  contribution: CardBlock[];
  findings: CardBlock[];
} {
  if (!hasAbstract) return { tldr: [NO_ABSTRACT], contribution: [NO_ABSTRACT], findings: [NO_ABSTRACT] };
  const findings = summary.findings.length > 0 ? { list: summary.findings.map((text) => ({ text })) } : NOT_STATED;
  return {
    tldr: [summary.tldr ? { text: summary.tldr } : NOT_STATED],
    contribution: [summary.contribution ? { text: summary.contribution } : NOT_STATED],
    findings: [findings, summaryNote(summary)],
  };
}

/** Which kind of summary the reader has in front of them: quoted, or written by a model. */
export function summaryNote(summary: CardSummary): CardParagraph {
  return summary.method === 'model'
    ? { note: `Summary written by ${escapeTagOpeners(summary.model ?? 'a language model')} from the abstract: check it against the abstract below.` }
    : { note: 'Summary sentences quoted from the abstract.' };
}
