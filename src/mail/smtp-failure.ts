/**
 * What an SMTP failure means for the digest that met it (RFC 5321 §4.2.1: 4yz try again
 * later, 5yz do not repeat the same command):
 * - `bounce`: the server refused this recipient for good (5yz at RCPT TO, nodemailer's
 *   EENVELOPE). Sending again cannot help; it counts towards `mail.bounceLimit`.
 * - `too-large`: the server refused this message for its size (below). Sending it again as it
 *   is cannot help; sending it smaller can, so the digest is rebuilt without its largest entries.
 * - `refused`: the server refused this message for good (5yz after DATA): not retried either,
 *   but it says nothing about the address, so it is no bounce.
 * - `temporary`: 4yz (421 closing, 451 try later), a dropped connection, a timeout, and a
 *   login the server refused (a settings problem the admin fixes, not the reader's address):
 *   retried with the queue's backoff.
 */
export type SmtpFailure = 'bounce' | 'too-large' | 'refused' | 'temporary';

/**
 * A refusal for size: RFC 3463's 5.3.4 ("message too big for system") and 5.2.3 ("message
 * length exceeds administrative limit"), or words to that effect (Postfix "552 5.3.4 Message
 * size exceeds fixed limit", Gmail "552-5.3.4 Your message exceeded Google's message size
 * limits", smtp-server "552 Error: message exceeds fixed maximum message size"). A bare 552
 * after DATA is one too (RFC 1870 gives the SIZE extension's refusals that code); 5.2.2 is a
 * full mailbox, the reader's, not the message's.
 */
const TOO_LARGE = /\b5\.3\.4\b|\b5\.2\.3\b|\bmessage (size|length)\b|\b(too (large|big)|size limit|maximum message size)\b/i;
const MAILBOX_FULL = /\b5\.2\.2\b|\bquota\b|\bmailbox (is )?full\b/i;

export function classifySmtpError(err: unknown): SmtpFailure {
  const { responseCode, code, response, message } = (err ?? {}) as { responseCode?: unknown; code?: unknown; response?: unknown; message?: unknown };
  if (typeof responseCode !== 'number' || responseCode < 500 || responseCode > 599) return 'temporary';
  const said = typeof response === 'string' ? response : typeof message === 'string' ? message : '';
  if (code === 'EENVELOPE' || code === 'EMESSAGE') {
    if (!MAILBOX_FULL.test(said) && (TOO_LARGE.test(said) || (code === 'EMESSAGE' && responseCode === 552))) return 'too-large';
  }
  if (code === 'EENVELOPE') return 'bounce';
  if (code === 'EMESSAGE') return 'refused';
  return 'temporary';
}
