import { test } from 'node:test';
import { performance } from 'node:perf_hooks';
import type { CardInput } from '../../src/card/card-input.ts';
import { cardParts } from '../../src/mail/render-card-parts.ts';
import { renderDigest } from '../../src/mail/render-digest.ts';
import type { CardParts, DigestRenderRequest } from '../../src/mail/render-types.ts';
import { DIGEST, HOSTILE_CARD, REVIEW_CARD } from '../fixtures/mail/digest.ts';

/** Mean milliseconds per call, after a warm-up, so the JIT and the template cache are settled. */
function timePerCall(run: () => unknown, times: number): number {
  for (let i = 0; i < 20; i++) run();
  const start = performance.now();
  for (let i = 0; i < times; i++) run();
  return (performance.now() - start) / times;
}

/** 50 distinct works, as a full digest holds them: two watches, five disease sections. */
function fiftyCardDigest(): DigestRenderRequest {
  const cards = Array.from({ length: 50 }, (_, i): CardInput => {
    const base = i % 2 === 0 ? REVIEW_CARD : HOSTILE_CARD;
    return { ...base, article: { ...base.article, pmid: String(42000000 + i) } };
  });
  const section = (disease: string, from: number) => ({ disease, cards: cards.slice(from, from + 10) });
  return {
    ...DIGEST,
    totalWorks: 88,
    groups: [
      { watchName: 'Bone metastasis', sections: [section('breast cancer', 0), section('prostate cancer', 10), section('lung cancer', 20)] },
      { watchName: 'Lung cancer in bone', sections: [section('lung adenocarcinoma', 30), { cards: cards.slice(40) }] },
    ],
  };
}

// Not an assertion: machines differ. The numbers are printed for the report and the benchmark.
test('prints the time to render one 50-card digest from cached cards, and one card', (t) => {
  const digest = fiftyCardDigest();
  const cache = new Map<CardInput, CardParts>();
  const cached = (card: CardInput) => cache.get(card) ?? cache.set(card, cardParts(card)).get(card)!;
  const digestMs = timePerCall(() => renderDigest(digest, cached), 500);
  const cardMs = timePerCall(() => cardParts(REVIEW_CARD), 500);
  const email = renderDigest(digest, cached);
  t.diagnostic(`50-card digest from cached cards: ${digestMs.toFixed(3)} ms (html ${(email.html.length / 1024).toFixed(0)} KiB, text ${(email.text.length / 1024).toFixed(0)} KiB)`);
  t.diagnostic(`one card, html and text: ${cardMs.toFixed(3)} ms`);
});
