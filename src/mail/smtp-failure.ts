/**
 * What an SMTP failure means for the digest that met it (RFC 5321 §4.2.1: 4yz try again
 * later, 5yz do not repeat the same command):
 * - `bounce`: the server refused this recipient for good (5yz at RCPT TO, nodemailer's
 *   EENVELOPE). Sending again cannot help; it counts towards `mail.bounceLimit`.
 * - `refused`: the server refused this message for good (5yz after DATA): not retried either,
 *   but it says nothing about the address, so it is no bounce.
 * - `temporary`: 4yz (421 closing, 451 try later), a dropped connection, a timeout, and a
 *   login the server refused (a settings problem the admin fixes, not the reader's address):
 *   retried with the queue's backoff.
 */
export type SmtpFailure = 'bounce' | 'refused' | 'temporary';

export function classifySmtpError(err: unknown): SmtpFailure {
  const { responseCode, code } = (err ?? {}) as { responseCode?: unknown; code?: unknown };
  if (typeof responseCode !== 'number' || responseCode < 500 || responseCode > 599) return 'temporary';
  if (code === 'EENVELOPE') return 'bounce';
  if (code === 'EMESSAGE') return 'refused';
  return 'temporary';
}
