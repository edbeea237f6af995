/**
 * A counting SMTP sink in its own process, so the digest benchmark measures litwatch and not
 * the receiving end. Prints its URL once listening, then one JSON line of counts whenever it
 * reads a line on stdin.
 */
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { SMTPServer } from 'smtp-server';

const counts = { count: 0, bytes: 0, first: 0, last: 0 };
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  maxClients: 50,
  onData(stream, _session, callback) {
    stream.on('data', (chunk: Buffer) => (counts.bytes += chunk.length));
    stream.on('end', () => {
      const now = Date.now();
      if (counts.count === 0) counts.first = now;
      counts.last = now;
      counts.count++;
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}\n`);
});
createInterface({ input: process.stdin }).on('line', () => process.stdout.write(`${JSON.stringify(counts)}\n`));
process.stdin.on('end', () => server.close(() => process.exit(0)));
