import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderEmptyDigest } from '../../src/mail/render-empty-digest.ts';
import { EMPTY_DIGEST, LINKS } from '../fixtures/mail/digest.ts';

const email = renderEmptyDigest(EMPTY_DIGEST);

describe('the empty digest', () => {
  test('says in the subject that there is nothing new this week', () => {
    assert.equal(email.subject, 'Bone metastasis: no new publications this week');
  });

  test('says "today" for a daily subscriber, and names no period when the frequency is not given', () => {
    assert.equal(renderEmptyDigest({ ...EMPTY_DIGEST, frequency: 'daily' }).subject, 'Bone metastasis: no new publications today');
    assert.equal(renderEmptyDigest({ ...EMPTY_DIGEST, frequency: undefined }).subject, 'Bone metastasis: no new publications');
  });

  test('says what was searched, for which period, and why the email came anyway, in both parts', () => {
    for (const part of [email.html, email.text]) {
      assert.ok(part.includes('No new publications matched Bone metastasis for week of 23 November 2026.'));
      assert.ok(part.includes('You asked to be told even when there is nothing new; you can turn that off in your preferences.'));
      assert.ok(part.includes('week of 23 November 2026'));
      assert.ok(part.includes('You are receiving this email because you subscribed to litwatch digests for Bone metastasis.'));
    }
  });

  test('has the preferences and unsubscribe links: as links in HTML, written out in text', () => {
    assert.match(
      email.html,
      /<a class="footer-link" href="https:\/\/litwatch\.example\.org\/preferences\?token&#x3D;pref\.abc" style="[^"]+">Change your preferences<\/a>/,
    );
    assert.match(email.html, /href="https:\/\/litwatch\.example\.org\/unsubscribe\?token&#x3D;unsub\.def" style="[^"]+">Unsubscribe<\/a>/);
    assert.ok(email.text.includes(`Change your preferences: ${LINKS.preferences}\nUnsubscribe: ${LINKS.unsubscribe}\n`));
  });

  test('has its styles inline; its one <style> element is only the dark-mode layer', () => {
    assert.match(email.html, /<h1 class="headline" style="[^"]+">No new publications<\/h1>/);
    assert.deepEqual(email.html.match(/<style>\s*@media \(prefers-color-scheme: dark\)/g)?.length, 1);
    assert.equal(email.html.match(/<style/g)?.length, 1);
  });
});
