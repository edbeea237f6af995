import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server for the tests (npm smtp-server): it accepts every message, parses it with
 * mailparser, and can refuse the next messages with a temporary (4xx) error, or every message
 * over a size limit for good, as Postfix does (`552 5.3.4 Message size exceeds fixed limit`).
 */
export class SmtpSink {
  readonly messages: ParsedMail[] = [];
  /** Raw messages, as the server received them (headers exactly as sent). */
  readonly raw: string[] = [];
  private refuseNext = 0;
  private sizeLimit = 0;
  /** Sizes (bytes) of the messages refused for their size. */
  readonly refusedForSize: number[] = [];
  private refusal = 'Mailbox busy, try again later';
  private server?: SMTPServer;
  url = '';

  /** The next `n` messages get a 451 (try again later), with this text. */
  refuse(n: number, message = 'Mailbox busy, try again later'): void {
    this.refuseNext += n;
    this.refusal = message;
  }

  /** Every message over `bytes` (as received, after DATA) is refused with a 552 from now on; 0 lifts the limit. */
  limitSize(bytes: number): void {
    this.sizeLimit = bytes;
  }

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.refuseNext > 0) {
            this.refuseNext--;
            const error = Object.assign(new Error(this.refusal), { responseCode: 451 });
            return callback(error);
          }
          const raw = Buffer.concat(chunks);
          if (this.sizeLimit > 0 && raw.length > this.sizeLimit) {
            this.refusedForSize.push(raw.length);
            return callback(Object.assign(new Error('5.3.4 Message size exceeds fixed limit'), { responseCode: 552 }));
          }
          this.raw.push(raw.toString('utf8'));
          simpleParser(raw)
            .then((mail) => this.messages.push(mail))
            .finally(() => callback());
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Messages to one address. */
  to(address: string): ParsedMail[] {
    return this.messages.filter((m) => JSON.stringify(m.to).toLowerCase().includes(address.toLowerCase()));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
