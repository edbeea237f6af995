import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifySmtpError } from '../../src/mail/smtp-failure.ts';

const smtpError = (responseCode: number | undefined, code: string) => Object.assign(new Error(`${responseCode} failure`), { responseCode, code });

test('a 5xx recipient refusal is a bounce, a 5xx after DATA a refusal, and a 4xx, a cut connection or a refused login are temporary', () => {
  assert.equal(classifySmtpError(smtpError(550, 'EENVELOPE')), 'bounce');
  assert.equal(classifySmtpError(smtpError(554, 'EMESSAGE')), 'refused');
  assert.equal(classifySmtpError(smtpError(421, 'EENVELOPE')), 'temporary');
  assert.equal(classifySmtpError(smtpError(451, 'EMESSAGE')), 'temporary');
  // Wrong SMTP credentials are the admin's to fix: no reader's address is to blame.
  assert.equal(classifySmtpError(smtpError(535, 'EAUTH')), 'temporary');
  assert.equal(classifySmtpError(smtpError(undefined, 'ECONNECTION')), 'temporary');
  assert.equal(classifySmtpError(new Error('socket hang up')), 'temporary');
  assert.equal(classifySmtpError(undefined), 'temporary');
});

test('a refusal for size (552 after DATA, 5.3.4, 5.2.3, "message size") is told apart; a full mailbox is not one', () => {
  const refusal = (responseCode: number, code: string, response: string) =>
    Object.assign(new Error(`Message failed: ${response}`), { responseCode, code, response });
  // Postfix, Gmail, Exchange and npm smtp-server, as they word it.
  assert.equal(classifySmtpError(refusal(552, 'EMESSAGE', '552 5.3.4 Message size exceeds fixed limit')), 'too-large');
  assert.equal(classifySmtpError(refusal(552, 'EMESSAGE', "552-5.3.4 Your message exceeded Google's message size limits.")), 'too-large');
  assert.equal(classifySmtpError(refusal(552, 'EMESSAGE', '552 Error: message exceeds fixed maximum message size 1000000')), 'too-large');
  assert.equal(classifySmtpError(refusal(554, 'EMESSAGE', '554 5.3.4 Message too big for system')), 'too-large');
  assert.equal(classifySmtpError(refusal(552, 'EMESSAGE', '552 5.2.3 Message length exceeds administrative limit')), 'too-large');
  // RFC 1870: a server that checks SIZE at MAIL FROM refuses there, before any recipient.
  assert.equal(classifySmtpError(refusal(552, 'EENVELOPE', '552 5.3.4 Message size exceeds fixed maximum message size')), 'too-large');
  assert.equal(classifySmtpError(refusal(552, 'EMESSAGE', '552')), 'too-large', 'a bare 552 after DATA');
  // A full mailbox is the reader's, not the message's.
  assert.equal(classifySmtpError(refusal(552, 'EENVELOPE', '552 5.2.2 Mailbox full')), 'bounce');
  assert.equal(classifySmtpError(refusal(552, 'EMESSAGE', '552-5.2.2 The email account that you tried to reach is over quota.')), 'refused');
  assert.equal(classifySmtpError(refusal(554, 'EMESSAGE', '554 5.7.1 Message rejected as spam')), 'refused');
});
