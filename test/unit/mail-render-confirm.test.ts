import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderConfirm } from '../../src/mail/render-confirm.ts';
import { CONFIRM } from '../fixtures/mail/digest.ts';

const email = renderConfirm(CONFIRM);

describe('the confirmation email', () => {
  test('has a fixed subject', () => {
    assert.equal(email.subject, 'Confirm your litwatch subscription');
  });

  test('says what was subscribed to and how often, in both parts', () => {
    for (const part of [email.html, email.text]) {
      assert.ok(part.includes('You asked for a weekly litwatch digest of new publications for Bone metastasis, Lung cancer in bone.'));
    }
  });

  test('puts the confirmation link on a button in HTML and writes it out in text', () => {
    assert.match(
      email.html,
      /<td class="button-cell" style="[^"]*background-color:#0b57d0[^"]*"[^>]*><a class="button" href="https:\/\/litwatch\.example\.org\/confirm\?token&#x3D;conf\.xyz" style="[^"]+">Confirm my subscription<\/a>/,
    );
    assert.ok(email.text.includes(`Confirm by opening this link:\n${CONFIRM.confirmUrl}\n`));
  });

  test('says when the link expires and that ignoring the email is safe, in both parts', () => {
    for (const part of [email.html, email.text]) {
      assert.ok(part.includes('The link expires in 48 hours.'));
      assert.ok(part.includes('If you did not ask for this, ignore this email: nothing happens'));
    }
    assert.ok(renderConfirm({ ...CONFIRM, expiresInHours: 1 }).text.includes('The link expires in 1 hour.'));
  });

  test('escapes the link in the href', () => {
    const html = renderConfirm({ ...CONFIRM, confirmUrl: 'https://x.example/c?a=1&b="2"' }).html;
    assert.ok(html.includes('href="https://x.example/c?a&#x3D;1&amp;b&#x3D;&quot;2&quot;"'));
  });

  test('has no subscriber footer: there is no subscriber yet', () => {
    assert.doesNotMatch(email.text, /Unsubscribe/);
    assert.doesNotMatch(email.html, /Unsubscribe/);
  });
});
