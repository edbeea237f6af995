import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderCard } from '../../src/card/render-card.ts';
import { cardHtml } from '../../src/mail/card-html.ts';
import { cardText } from '../../src/mail/card-text.ts';
import { makeArticle } from '../fixtures/card/articles.ts';

test('a card whose enrichment is pending says so in Markdown, plain text and HTML', () => {
  const queued = { article: makeArticle(), pending: { steps: [], retrying: false } };
  const line = 'Pending: enrichment under way (full text, entities, summary); this card is completed when it ends';
  assert.match(renderCard(queued), new RegExp(`\\n\\n${line.replace(/[()]/g, '\\$&')}\\n$`));
  assert.ok(cardText(queued).includes(`\n${line}\n`));
  assert.match(cardHtml(queued), new RegExp(`<p class="card-pending"[^>]*>${line.replace(/[()]/g, '\\$&')}</p>`));
  const failed = { article: makeArticle(), pending: { steps: ['pmcid', 'entities'], retrying: true } };
  assert.match(renderCard(failed), /\nPending: PMC copy, entities \(not available at the last try; tried again on a later poll\)\n$/);
  assert.doesNotMatch(renderCard({ article: makeArticle() }), /Pending:/);
});
