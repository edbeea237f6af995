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
