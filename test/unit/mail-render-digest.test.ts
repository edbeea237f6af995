import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderDigest } from '../../src/mail/render-digest.ts';
import { DIGEST, HOSTILE_CARD, LINKS, PLAIN_CARD } from '../fixtures/mail/digest.ts';

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
  test('has the header with the period and the total count', () => {
    assertIncludesAll(email.html, ['>litwatch</p>', '>week of 23 November 2026</p>', '>41 new publications</h1>', '<title>Bone metastasis, Lung cancer in bone: 41 new publications</title>']);
  });

  test('heads each group with its watch name and each disease section with the disease', () => {
    assert.match(email.html, /<h2 class="watch" style="[^"]+">Bone metastasis<\/h2>[\s\S]*<h3 class="disease" style="[^"]+">breast cancer<\/h3>[\s\S]*Bone Metastasis: Molecular Mechanisms[\s\S]*Serum Ca<sup>2\+<\/sup> after[\s\S]*<h2 class="watch" style="[^"]+">Lung cancer in bone<\/h2>[\s\S]*>lung cancer<\/h3>/);
  });

  test('gives a section without a disease no subheading', () => {
    assert.equal(email.html.match(/<h3 /g)?.length, 2);
  });

  test('has the more line with its link', () => {
    assert.ok(email.html.includes('and 38 more publications: read them all at <a class="link" href="https://litwatch.example.org/digests/d_42"'));
  });

  test('leaves the more line out when every work is shown', () => {
    assert.doesNotMatch(renderDigest({ ...DIGEST, more: undefined }).html, /more publication/);
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
      groups: [{ watchName: 'Bone & <joint>', sections: [{ disease: '"quoted" <disease>', cards: [PLAIN_CARD] }] }],
    });
    assert.equal(odd.subject, 'Bone & <joint>: 41 new publications');
    assertIncludesAll(odd.html, ['>Bone &amp; &lt;joint&gt;</h2>', '>&quot;quoted&quot; &lt;disease&gt;</h3>', 'digests for Bone &amp; &lt;joint&gt;.']);
    assert.doesNotMatch(odd.html, /<joint>|<disease>/);
  });

  test('carries its styles inline on every styled element, with no <style> element to depend on', () => {
    assert.doesNotMatch(email.html, /<style/i);
    const classed = email.html.match(/<[a-z0-9]+ [^>]*class="[^"]*"[^>]*>/g) ?? [];
    assert.ok(classed.length > 50);
    for (const tag of classed) assert.match(tag, /style="[^"]+"/, tag);
  });

  test('is a table layout no wider than 640px, fixed at 640px for Outlook', () => {
    assert.match(email.html, /<table role="presentation" class="container" [^>]*style="[^"]*max-width: 640px/);
    assert.ok(email.html.includes('<!--[if mso]><table role="presentation" width="640"'));
  });

  test('leaves no template tag unrendered', () => {
    assert.doesNotMatch(email.html, /\{\{|\}\}/);
    assert.doesNotMatch(email.text, /\{\{|\}\}/);
  });

  test('uses the card parts it is given, as they are', () => {
    const cached = renderDigest(DIGEST, () => ({ html: '<table class="cached">CARD</table>', text: 'CACHED CARD' }));
    assert.equal(cached.html.match(/<table class="cached">CARD<\/table>/g)?.length, 3);
    assert.equal(cached.text.match(/CACHED CARD/g)?.length, 3);
  });
});

describe('the digest text part', () => {
  test('mirrors the header, the groups, the disease sections and the cards', () => {
    assert.match(
      email.text,
      /^litwatch · week of 23 November 2026\n41 new publications\n\n\nBone metastasis\n===============\n\nbreast cancer\n-------------\n\n─+\nBone Metastasis: Molecular Mechanisms/,
    );
    assertIncludesAll(email.text, ['\n\nLung cancer in bone\n===================\n', '\nlung cancer\n-----------\n', 'Serum Ca2+ after ex vivo surgery']);
  });

  test('shows a hostile title as the plain text it is', () => {
    assert.ok(email.text.includes('<script>alert(1)</script> and BRCA1'));
  });

  test('has the more line with the link written out', () => {
    assert.ok(email.text.includes('\nand 38 more publications: read them all at https://litwatch.example.org/digests/d_42\n'));
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
    const odd = renderDigest({ ...DIGEST, groups: [{ watchName: 'Bone & <joint>', sections: [{ cards: [HOSTILE_CARD] }] }] });
    assert.ok(odd.text.includes('\nBone & <joint>\n==============\n'));
    assert.doesNotMatch(odd.text, /&amp;|&lt;|&gt;|&quot;/);
  });
});
