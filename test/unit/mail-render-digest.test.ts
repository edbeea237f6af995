import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { digestEntryView } from '../../src/digest/entry-view.ts';
import { renderDigest } from '../../src/mail/render-digest.ts';
import { renderDigestEntry } from '../../src/mail/render-digest-entry.ts';
import type { DigestRenderRequest } from '../../src/mail/render-types.ts';
import { DIGEST, entry, HOSTILE_CARD, LINKS, PLAIN_CARD, REVIEW_CARD } from '../fixtures/mail/digest.ts';
import { longCards } from '../fixtures/mail/long-works.ts';

const email = renderDigest(DIGEST);

function assertIncludesAll(text: string, phrases: readonly string[]): void {
  for (const phrase of phrases) assert.ok(text.includes(phrase), `missing: ${phrase}`);
}

describe('the digest subject', () => {
  test('names the watches and the count', () => {
    assert.equal(email.subject, 'Bone metastasis, Lung cancer in bone: 41 new publications');
  });

  test('reads in the singular for one publication', () => {
    const one = renderDigest({ ...DIGEST, watchNames: ['Bone metastasis'], totalWorks: 1, groups: [], more: undefined });
    assert.equal(one.subject, 'Bone metastasis: 1 new publication');
  });

  test('names three watches and counts the rest', () => {
    const many = renderDigest({ ...DIGEST, watchNames: ['A', 'B', 'C', 'D', 'E'], totalWorks: 12 });
    assert.equal(many.subject, 'A, B, C and 2 more: 12 new publications');
  });
});

describe('the digest HTML part', () => {
  test('has the header with the period and the total count, a preheader and the language', () => {
    assertIncludesAll(email.html, [
      '<html lang="en">',
      '>litwatch</p>',
      '>week of 23 November 2026</p>',
      '>41 new publications</h1>',
      '<title>Bone metastasis, Lung cancer in bone: 41 new publications</title>',
    ]);
    assert.match(email.html, /<div class="preheader"[^>]*>41 new publications for Bone metastasis, Lung cancer in bone, week of 23 November 2026\.<\/div>/);
  });

  test('heads each group with its watch name and each disease section with the disease', () => {
    assert.match(
      email.html,
      /<h2 class="watch" style="[^"]+">Bone metastasis<\/h2>[\s\S]*<h3 class="disease" style="[^"]+">breast cancer<\/h3>[\s\S]*Bone Metastasis: Molecular Mechanisms[\s\S]*Serum Ca<sup>2\+<\/sup> after[\s\S]*<h2 class="watch" style="[^"]+">Lung cancer in bone<\/h2>[\s\S]*>lung cancer<\/h3>/,
    );
  });

  test('gives a section without a disease no subheading', () => {
    assert.equal(email.html.match(/<h3 /g)?.length, 2);
  });

  test('links "read all N on the web" when not every work is shown, and not otherwise', () => {
    assert.match(email.html, /<a class="more-link" href="https:\/\/litwatch.example.org\/digests\/d_42"[^>]*>Read all 41 on the web<\/a>/);
    assert.doesNotMatch(renderDigest({ ...DIGEST, more: undefined }).html, /Read all/);
  });

  test('ends with why the reader gets it, the preferences link and the unsubscribe link', () => {
    assertIncludesAll(email.html, [
      'You are receiving this email because you subscribed to litwatch digests for Bone metastasis, Lung cancer in bone.',
      '<a class="footer-link" href="https://litwatch.example.org/preferences?token&#x3D;pref.abc"',
      '>Change your preferences</a>',
      '<a class="footer-link" href="https://litwatch.example.org/unsubscribe?token&#x3D;unsub.def"',
      '>Unsubscribe</a>',
    ]);
  });

  test('shows a hostile title as text and its italics as italics', () => {
    assert.ok(email.html.includes('&lt;script&gt;alert(1)&lt;/script&gt; and <i>BRCA1</i>'));
    assert.doesNotMatch(email.html, /<script/i);
  });

  test('escapes watch names and disease labels', () => {
    const odd = renderDigest({
      ...DIGEST,
      watchNames: ['Bone & <joint>'],
      groups: [{ watchName: 'Bone & <joint>', sections: [{ disease: '"quoted" <disease>', entries: [entry(PLAIN_CARD, 'Bone & <joint>')] }] }],
    });
    assert.equal(odd.subject, 'Bone & <joint>: 41 new publications');
    assertIncludesAll(odd.html, [
      '>Bone &amp; &lt;joint&gt;</h2>',
      '>&quot;quoted&quot; &lt;disease&gt;</h3>',
      'digests for Bone &amp; &lt;joint&gt;.',
      'Matched: Bone &amp; &lt;joint&gt;',
    ]);
    assert.doesNotMatch(odd.html, /<joint>|<disease>/);
  });

  test('carries its styles inline on every styled element; the only <style> is the dark-mode layer on top', () => {
    const styles = email.html.match(/<style>[\s\S]*?<\/style>/g) ?? [];
    assert.equal(styles.length, 1);
    assert.match(styles[0]!, /^<style>\s*@media \(prefers-color-scheme: dark\)/);
    assert.match(email.html, /<meta name="color-scheme" content="light dark">/);
    const classed = email.html.match(/<[a-z0-9]+ [^>]*class="[^"]*"[^>]*>/g) ?? [];
    assert.ok(classed.length > 30);
    for (const tag of classed) assert.match(tag, /style="[^"]+"/, tag);
  });

  test('is a table layout no wider than 640px, fixed at 640px for Outlook', () => {
    assert.match(email.html, /<table role="presentation" class="container" [^>]*style="[^"]*max-width:640px/);
    assert.ok(email.html.includes('<!--[if mso]><table role="presentation" width="640"'));
  });

  test('leaves no template tag unrendered', () => {
    assert.doesNotMatch(email.html, /\{\{|\}\}/);
    assert.doesNotMatch(email.text, /\{\{|\}\}/);
  });

  test('uses the entry parts it is given, as they are', () => {
    const cached = renderDigest(DIGEST, () => ({ html: '<div class="cached">ENTRY</div>', text: 'CACHED ENTRY' }));
    assert.equal(cached.html.match(/<div class="cached">ENTRY<\/div>/g)?.length, 3);
    assert.equal(cached.text.match(/CACHED ENTRY/g)?.length, 3);
  });
});

describe('a digest entry', () => {
  const review = renderDigestEntry(entry(REVIEW_CARD, 'Bone metastasis'));

  test('links its title to the work page on litwatch', () => {
    assert.match(
      review.html,
      /<a class="entry-link" href="https:\/\/litwatch.example.org\/works\/10.1002%2Fmco2.70604"[^>]*>Bone Metastasis: Molecular Mechanisms, Clinical Management, and Therapeutic Targets<\/a>/,
    );
    assert.ok(review.text.includes('\nhttps://litwatch.example.org/works/10.1002%2Fmco2.70604\n'));
  });

  test('names the first three authors, then "et al."', () => {
    const many = { ...REVIEW_CARD, article: { ...REVIEW_CARD.article, authors: ['Ann', 'Bo', 'Cy', 'Di'].map((foreName) => ({ foreName, lastName: 'Li' })) } };
    assert.equal(digestEntryView(many, 'u', 'w').authors, 'Ann Li, Bo Li, Cy Li et al.');
    assert.equal(digestEntryView(REVIEW_CARD, 'u', 'w').authors, 'Jingyuan Wen, Binghua Li');
  });

  test('gives journal, date and the telling publication type on one line', () => {
    const view = digestEntryView({ ...REVIEW_CARD, article: { ...REVIEW_CARD.article, publicationTypes: ['Journal Article', 'Review'] } }, 'u', 'w');
    assert.equal(view.meta, 'MedComm · 2026-02-05 · Review');
    assert.equal(digestEntryView(PLAIN_CARD, 'u', 'w').meta, 'Journal of Examples · 2024-03-09 · Journal Article');
  });

  test('has the one-sentence TL;DR, and no TL;DR line when the abstract gives none', () => {
    assert.match(review.text, /\nTL;DR: .+\n/);
    const bare = renderDigestEntry(digestEntryView({ article: { ...PLAIN_CARD.article, abstract: [] } }, 'u', 'w'));
    assert.doesNotMatch(bare.text, /TL;DR|Not stated/);
    assert.doesNotMatch(bare.html, /entry-tldr|Not stated/);
  });

  test('shows at most five entity chips, diseases first, then species', () => {
    assert.deepEqual(digestEntryView(REVIEW_CARD, 'u', 'w').chips, ['breast cancer', 'cancer', 'breast, prostate, and lung cancers', 'human']);
    const [long] = longCards(1);
    const chips = digestEntryView(long!, 'u', 'w').chips;
    assert.equal(chips.length, 5);
    assert.equal(chips.at(-1), 'human');
    assert.match(review.html, /<span class="chip"[^>]*>breast\u00a0cancer<\/span>/, 'a chip never breaks inside');
    assert.ok(review.text.includes('\nTopics: breast cancer · cancer · breast, prostate, and lung cancers · human\n'));
  });

  test('shows no chip line for a work without entities', () => {
    const plain = renderDigestEntry(entry(PLAIN_CARD, 'w'));
    assert.doesNotMatch(plain.html, /class="chip"/);
    assert.doesNotMatch(plain.text, /Topics:/);
  });

  test('carries a badge for a retraction, an erratum or an expression of concern', () => {
    const notice = (kind: 'retracted' | 'erratum' | 'expression of concern') => ({ kind, noticePmid: '1', url: 'https://pubmed.ncbi.nlm.nih.gov/1/' });
    const retracted = renderDigestEntry(digestEntryView({ ...PLAIN_CARD, notices: [notice('retracted')] }, 'u', 'w'));
    assert.match(retracted.html, /<span class="badge"[^>]*>Retracted<\/span>/);
    assert.match(retracted.text, /^\[RETRACTED\] Serum Ca2\+ after ex vivo surgery\n/);
    assert.deepEqual(digestEntryView({ ...PLAIN_CARD, notices: [notice('erratum'), notice('expression of concern')] }, 'u', 'w').badges, [
      'Erratum',
      'Expression of concern',
    ]);
    assert.doesNotMatch(renderDigestEntry(entry(PLAIN_CARD, 'w')).html, /class="badge"/);
  });

  test('says whether the work is open access and which watch matched it', () => {
    assert.ok(review.text.includes('\nOpen access · Matched: Bone metastasis'));
    assert.ok(renderDigestEntry(entry(PLAIN_CARD, 'Bone metastasis')).text.includes('\nNot open access · Matched: Bone metastasis'));
    const closed = { ...REVIEW_CARD, fullText: { ...REVIEW_CARD.fullText!, hasBody: false } };
    assert.equal(digestEntryView(closed, 'u', 'w').openAccess, false);
  });

  test('says none of the card\'s "not stated" or "not open access" notes', () => {
    const all = renderDigest({ ...DIGEST, groups: [{ watchName: 'w', sections: [{ entries: [entry(PLAIN_CARD, 'w'), entry(HOSTILE_CARD, 'w')] }] }] });
    assert.doesNotMatch(all.html + all.text, /Not stated|no full text in PMC|Not open access: /);
  });
});

describe('a digest of 50 long real-shaped works', () => {
  const cards = longCards(50);
  const request: DigestRenderRequest = {
    ...DIGEST,
    totalWorks: 73,
    groups: [
      { watchName: 'Bone metastasis', sections: [{ disease: 'breast cancer', entries: cards.slice(0, 30).map((c) => entry(c, 'Bone metastasis')) }] },
      {
        watchName: 'Lung cancer in bone',
        sections: [
          { disease: 'lung adenocarcinoma', entries: cards.slice(30, 45).map((c) => entry(c, 'Lung cancer in bone')) },
          { entries: cards.slice(45).map((c) => entry(c, 'Lung cancer in bone')) },
        ],
      },
    ],
  };
  const big = renderDigest(request);

  test('is at most 100 KB of HTML (Gmail clips past about 102 KB) and 60 KB of text', () => {
    const htmlKb = Buffer.byteLength(big.html) / 1024;
    const textKb = Buffer.byteLength(big.text) / 1024;
    assert.ok(htmlKb <= 100, `HTML is ${htmlKb.toFixed(1)} KB`);
    assert.ok(textKb <= 60, `text is ${textKb.toFixed(1)} KB`);
  });

  test('lists all 50, each linked to its work page', () => {
    assert.equal(big.html.match(/class="entry-link"/g)?.length, 50);
    for (const card of cards) assert.ok(big.html.includes(`/works/${encodeURIComponent(card.article.doi!)}"`), card.article.doi);
  });
});

describe('the digest text part', () => {
  test('mirrors the header, the groups, the disease sections and the entries', () => {
    assert.match(
      email.text,
      /^litwatch · week of 23 November 2026\n41 new publications\n\n\nBone metastasis\n===============\n\nbreast cancer\n-------------\n\nBone Metastasis: Molecular Mechanisms/,
    );
    assertIncludesAll(email.text, ['\n\nLung cancer in bone\n===================\n', '\nlung cancer\n-----------\n', 'Serum Ca2+ after ex vivo surgery']);
  });

  test('shows a hostile title as the plain text it is', () => {
    assert.ok(email.text.includes('<script>alert(1)</script> and BRCA1'));
  });

  test('has the read-all line with the link written out', () => {
    assert.ok(email.text.includes('\nRead all 41 on the web: https://litwatch.example.org/digests/d_42\n'));
  });

  test('ends with the footer: why, preferences and unsubscribe written out', () => {
    assert.ok(
      email.text.endsWith(
        '\n-- \nYou are receiving this email because you subscribed to litwatch digests for Bone metastasis, Lung cancer in bone.\n' +
          `Change your preferences: ${LINKS.preferences}\nUnsubscribe: ${LINKS.unsubscribe}\n`,
      ),
    );
  });

  test('is not HTML-escaped', () => {
    const odd = renderDigest({ ...DIGEST, groups: [{ watchName: 'Bone & <joint>', sections: [{ entries: [entry(HOSTILE_CARD, 'Bone & <joint>')] }] }] });
    assert.ok(odd.text.includes('\nBone & <joint>\n==============\n'));
    assert.doesNotMatch(odd.text, /&amp;|&lt;|&gt;|&quot;/);
  });
});
