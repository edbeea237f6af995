import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { smtpTransport } from '../../src/mail/mail-transport.ts';

test('a send to an SMTP server that never answers gives up within half the send lease', async () => {
  // A server that accepts the connection and then says nothing (no greeting): what a hung
  // relay looks like. nodemailer's default would wait ten minutes.
  const sockets: Socket[] = [];
  const server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const transport = smtpTransport(`smtp://127.0.0.1:${port}`, 2000);
  const started = performance.now();
  try {
    await assert.rejects(
      transport.send({
        from: 'litwatch@example.org',
        to: 'reader@example.org',
        subject: 's',
        text: 't',
        html: '<p>t</p>',
        messageId: '<timeout-test@litwatch.invalid>',
      }),
    );
    const waited = performance.now() - started;
    assert.ok(waited < 2000, `gave up after ${Math.round(waited)} ms, the lease is 2000 ms`);
  } finally {
    transport.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
