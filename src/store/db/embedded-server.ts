import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { SessionLock } from './session-lock.ts';

/**
 * `litwatch start` serves its embedded database to the CLI on a Unix socket, so `works`,
 * `export` or `poll --now` run beside it as PostgreSQL clients (`pg`) instead of being refused.
 *
 * Why not PGLiteSocketServer (@electric-sql/pglite-socket 0.2.18): its multiplexer takes turns
 * per protocol message, and holds a client's turn only inside BEGIN...COMMIT. A parameterised
 * query is several messages (Parse, Bind, Execute, Sync), so two clients' queries interleave in
 * the one PGlite session and one gets the other's answer (electric-sql/pglite#1046, open): with
 * two readers and a writer on a pool of 3, 198 of 400 `SELECT count(*)` got no row at all. Nor
 * does it know about this process's own statements, which run on the same session. Here a
 * client holds the session (the same lock this process's statements take) from its first
 * message until PGlite says the session is idle again (ReadyForQuery "I"): a whole query, or a
 * whole transaction. The wire protocol itself is PGlite's (execProtocolRawStream, as
 * pglite-socket uses it); this file only frames messages and takes turns.
 *
 * Why a Unix socket and not a port: PGlite asks no password, so whoever can connect owns the
 * data. The socket sits in a folder only this user may enter (0700), itself 0600; a port on
 * 127.0.0.1 would be open to every local user.
 */

/** The socket's name in its folder: what `pg` connects to, given the folder as host and port 5432. */
export const SOCKET_PORT = 5432;
const SOCKET_NAME = `.s.PGSQL.${SOCKET_PORT}`;
/** A Unix socket's path is at most 107 bytes on Linux (sun_path), 103 on macOS. */
const MAX_SOCKET_PATH = 103;
/**
 * A client that keeps the session (in a transaction, or between a query's messages) and sends
 * nothing for this long is cut off, its transaction rolled back: every other user waits on it.
 */
const IDLE_HOLD_MS = 60_000;

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
/** A message longer than PostgreSQL's own limit (1 GB) is a broken client, not a query. */
const MAX_MESSAGE = 1 << 30;
const SYNC = Uint8Array.of(0x53, 0, 0, 0, 4);

/** The folder of the socket of the embedded database in `dbFolder` (what `pg` takes as its host). */
export function socketFolder(dbFolder: string): string {
  return path.join(dbFolder, 'socket');
}

export function socketPath(dbFolder: string): string {
  return path.join(socketFolder(dbFolder), SOCKET_NAME);
}

/** Why the database in `dbFolder` cannot be served, or undefined when it can. */
export function cannotServe(dbFolder: string): string | undefined {
  const file = socketPath(dbFolder);
  return Buffer.byteLength(file) > MAX_SOCKET_PATH ? `its socket path would be too long for the system (${file})` : undefined;
}

export interface EmbeddedServer {
  readonly path: string;
  /** Stops listening and cuts every client off (their open transactions rolled back). */
  close(): Promise<void>;
}

/**
 * Listens on `<dbFolder>/socket/.s.PGSQL.5432`. The caller holds the folder's lock, so a socket
 * file already there was left by a process that is gone (killed) and is replaced.
 */
export async function serveEmbedded(pglite: PGlite, lock: SessionLock, dbFolder: string): Promise<EmbeddedServer> {
  const folder = socketFolder(dbFolder);
  const file = socketPath(dbFolder);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  chmodSync(folder, 0o700);
  rmSync(file, { force: true });
  const clients = new Set<Socket>();
  const server: Server = createServer((socket) => {
    clients.add(socket);
    socket.once('close', () => clients.delete(socket));
    serveClient(pglite, lock, socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(file, 0o600);
  return {
    path: file,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const gone = [...clients].map((socket) => new Promise<void>((resolve) => socket.once('cleaned', resolve).destroy()));
      await Promise.all([closed, ...gone]);
      rmSync(file, { force: true });
    },
  };
}

/** One client: frames its messages and hands each to PGlite in order, holding the session while it is busy. */
function serveClient(pglite: PGlite, lock: SessionLock, socket: Socket): void {
  let buffer = Buffer.alloc(0);
  let started = false;
  let release: (() => void) | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  // Messages are handled one after another, whatever chunks they arrive in.
  let chain: Promise<void> = Promise.resolve();

  const send = async (message: Uint8Array): Promise<Buffer> => {
    let tail = Buffer.alloc(0);
    await pglite.runExclusive(() =>
      pglite.execProtocolRawStream(message, {
        onRawData: (data) => {
          if (!socket.destroyed) socket.write(data);
          tail = Buffer.concat([tail, data]).subarray(-6);
        },
      }),
    );
    return tail;
  };

  const handle = async (message: Buffer): Promise<void> => {
    clearTimeout(idleTimer);
    release ??= await lock.acquire();
    if (socket.destroyed) return;
    const tail = await send(message);
    if (idleAgain(tail)) {
      release();
      release = undefined;
    } else {
      idleTimer = setTimeout(() => socket.destroy(), IDLE_HOLD_MS).unref();
    }
  };

  const pump = async (): Promise<void> => {
    for (;;) {
      if (!started) {
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        const code = buffer.readInt32BE(4);
        if (length < 8 || length > MAX_MESSAGE) return void socket.destroy();
        if (buffer.length < length) return;
        const message = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          socket.write('N'); // no TLS on a local socket
          continue;
        }
        // A cancel request comes on a connection of its own; PGlite has no backend to interrupt.
        if (code === CANCEL_REQUEST || code !== PROTOCOL_3) return void socket.destroy();
        started = true;
        await handle(message);
        continue;
      }
      if (buffer.length < 5) return;
      const length = buffer.readInt32BE(1);
      if (length < 4 || length > MAX_MESSAGE) return void socket.destroy();
      if (buffer.length < length + 1) return;
      const message = buffer.subarray(0, length + 1);
      buffer = buffer.subarray(length + 1);
      if (message[0] === 0x58) return void socket.end(); // Terminate: the session stays, the client goes
      await handle(message);
    }
  };

  socket.on('data', (chunk) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    chain = chain.then(pump).catch(() => {
      socket.destroy();
    });
  });
  socket.on('error', () => {}); // a client that goes away mid-answer: 'close' cleans up
  socket.once('close', () => {
    clearTimeout(idleTimer);
    chain = chain
      .catch(() => {})
      .then(async () => {
        if (release) {
          await endSession(pglite, send).catch(() => {});
          release();
          release = undefined;
        }
      })
      .finally(() => socket.emit('cleaned'));
  });
}

/** The session as a client left it mid-query or mid-transaction, brought back to idle for the next user. */
async function endSession(pglite: PGlite, send: (message: Uint8Array) => Promise<Buffer>): Promise<void> {
  const tail = await send(SYNC);
  if (!idleAgain(tail) || pglite.isInTransaction()) await pglite.exec('ROLLBACK');
}

/** The answer ends with ReadyForQuery "I": no transaction open, the session free for someone else. */
function idleAgain(tail: Buffer): boolean {
  return tail.length === 6 && tail[0] === 0x5a && tail.readInt32BE(1) === 5 && tail[5] === 0x49;
}
