import { SMTPServer } from 'smtp-server';

/** SMTP failures a mail server gives: try later at DATA, a refused recipient, a connection cut after DATA. */
export type SmtpFault = '421' | '451' | '550-one' | 'drop-after-data';

export interface Received {
  messageId: string;
  to: string[];
}

/**
 * A real SMTP server (npm smtp-server) that accepts every message and can fail on demand. A
 * message counts as delivered once its data arrived, also when the connection is then cut before
 * the reply ("drop-after-data"): the mail server has it, the client cannot know, and will send
 * it again. That is the one duplicate SMTP cannot prevent.
 */
export class SmtpFaultServer {
  readonly received: Received[] = [];
  private dataFaults: ('421' | '451' | 'drop-after-data')[] = [];
  /** Addresses refused with 550 at RCPT TO. */
  readonly refused = new Set<string>();
  readonly applied = new Map<SmtpFault, number>();
  private server?: SMTPServer;
  url = '';

  /** The next messages fail this way (by default 421/451: the next 3; drop: the next 1). */
  arm(fault: Exclude<SmtpFault, '550-one'>, times = fault === 'drop-after-data' ? 1 : 3): void {
    for (let i = 0; i < times; i++) this.dataFaults.push(fault);
  }

  /** Forget faults armed and refused addresses. */
  disarm(): void {
    this.dataFaults = [];
    this.refused.clear();
  }

  /** One recipient's mailbox does not exist: 550 for it, every time. */
  refuse(address: string): void {
    this.refused.add(address.toLowerCase());
  }

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 100 * 1024 * 1024,
      onRcptTo: (address, _session, callback) => {
        if (!this.refused.has(address.address.toLowerCase())) return callback();
        this.count('550-one');
        callback(Object.assign(new Error('5.1.1 Mailbox unavailable: no such user'), { responseCode: 550 }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const fault = this.dataFaults.shift();
          if (fault === '421' || fault === '451') {
            this.count(fault);
            const text = fault === '421' ? '4.3.2 Service not available, closing transmission channel' : '4.7.1 Try again later';
            return callback(Object.assign(new Error(text), { responseCode: Number(fault) }));
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? '';
          this.received.push({ messageId, to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()) });
          if (fault === 'drop-after-data') {
            this.count(fault);
            // The message is here, the reply never leaves: cut the connection.
            const connections = (this.server as unknown as { connections: Set<{ session: unknown; _socket: { destroy(): void } }> }).connections;
            for (const connection of connections) if (connection.session === session) connection._socket.destroy();
            return;
          }
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `smtp://127.0.0.1:${(this.server.server.address() as { port: number }).port}`;
    return this;
  }

  private count(fault: SmtpFault): void {
    this.applied.set(fault, (this.applied.get(fault) ?? 0) + 1);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
