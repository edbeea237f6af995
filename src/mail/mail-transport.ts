import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from '../log.ts';
import { redactAddresses } from '../text/redact-addresses.ts';

export interface OutgoingMail {
  to: string;
  from: string;
  subject: string;
  html: string;
  text: string;
  /** Stable per message, so a retried send is recognised as the same message downstream. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<{ delivered: 'smtp' | 'outbox'; detail: string }>;
  close(): void;
}

/**
 * SMTP through a nodemailer pool when SMTP_URL is set. How fast mail goes out is set on the
 * mail queue (BullMQ's rate limiter holds across every worker process), not here, where it
 * would only hold per process.
 */
export function smtpTransport(smtpUrl: string, sendLeaseMs = 60_000): MailTransport {
  // A send must give up before its digest's send lease ends: nodemailer waits up to 10 minutes
  // on a silent server by default, and a send still hanging when the lease is taken over by
  // another worker could deliver the digest twice.
  const socketTimeout = Math.max(1000, Math.min(30_000, Math.floor(sendLeaseMs / 2)));
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 5,
    maxMessages: 500,
    connectionTimeout: socketTimeout,
    greetingTimeout: socketTimeout,
    socketTimeout,
  });
  return {
    async send(mail) {
      // base64 is encoded natively; nodemailer's quoted-printable choice scans and encodes a
      // large HTML part in JavaScript, the biggest cost of a send (bench/digest-send.ts profile).
      const info = await transporter.sendMail({ ...mail, textEncoding: 'base64' });
      return { delivered: 'smtp', detail: String(info.response ?? '') };
    },
    close: () => transporter.close(),
  };
}

/**
 * Without SMTP_URL, each message is written as an .eml file in the outbox (LITWATCH_OUTBOX), so
 * a newcomer sees exactly what would be sent; the log names the file.
 */
export function outboxTransport(dir: string, log: Logger): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await transporter.sendMail(mail);
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, outboxFileName(mail, new Date()));
      await writeFile(file, info.message as Buffer);
      // The name holds the recipient, which no log line may show.
      const shown = redactAddresses(file);
      log.info({ event: 'mail.outbox', file: shown }, `no SMTP_URL: message written to ${shown}`);
      return { delivered: 'outbox', detail: file };
    },
    close: () => transporter.close(),
  };
}

/** The longest subject part of an outbox file name: names stay under common 255-byte limits. */
const SUBJECT_CHARS = 80;

/**
 * `20261127-080000-reader@example.org-Bone_metastasis_1_new_publication.eml`: sorted by time
 * in a listing, and each says whom it is for and what it is without being opened. Only
 * letters, digits and `@._-` are kept (no path separators, no spaces to quote in a shell).
 */
export function outboxFileName(mail: Pick<OutgoingMail, 'to' | 'subject'>, at: Date): string {
  const time = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const safe = (text: string) =>
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .replace(/[^\w.@-]+/g, '_')
      .replace(/^[._]+|[._]+$/g, '');
  return `${time}-${safe(mail.to) || 'recipient'}-${safe(mail.subject).slice(0, SUBJECT_CHARS) || 'no_subject'}.eml`;
}

export function createMailTransport(env: { SMTP_URL?: string; LITWATCH_OUTBOX: string; LITWATCH_SEND_LEASE_MS?: number }, log: Logger): MailTransport {
  return env.SMTP_URL ? smtpTransport(env.SMTP_URL, env.LITWATCH_SEND_LEASE_MS) : outboxTransport(env.LITWATCH_OUTBOX, log);
}
