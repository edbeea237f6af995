import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { until } from './until.ts';

const run = promisify(execFile);

/**
 * A Redis Cluster of its own for a test: one master per port (no replicas), each a
 * `redis-server --cluster-enabled yes` with its node file in a temporary folder, joined with
 * `redis-cli --cluster create`. `ready` resolves once every node reports `cluster_state:ok`.
 */
export class LocalRedisCluster {
  private readonly servers: ChildProcess[] = [];
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'litwatch-cluster-'));

  constructor(readonly ports: readonly number[]) {}

  /** `host:port,host:port,…` as REDIS_CLUSTER_NODES takes it. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  async start(): Promise<this> {
    for (const port of this.ports) {
      const args = [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        path.join(this.dir, `nodes-${port}.conf`),
      ];
      args.push('--dir', this.dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction');
      this.servers.push(spawn('redis-server', args, { stdio: 'ignore' }));
    }
    await Promise.all(this.ports.map((port) => until(() => this.answers(port, 'PING', /^PONG$/))));
    await run('redis-cli', ['--cluster', 'create', ...this.ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    await Promise.all(this.ports.map((port) => until(() => this.answers(port, 'CLUSTER INFO', /^cluster_state:ok\b/m))));
    return this;
  }

  /** Does the node on `port` answer `command` with text matching `expected`? Never throws. */
  private async answers(port: number, command: string, expected: RegExp): Promise<boolean> {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      const [name, ...args] = command.split(' ');
      return expected.test(String(await client.call(name!, ...args)));
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map(async (server) => {
        if (server.exitCode !== null || server.signalCode !== null) return;
        server.kill('SIGTERM');
        await once(server, 'exit');
      }),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}
