import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'litwatch.js');

export interface LitwatchProcess {
  role: 'all' | 'worker';
  child: ChildProcess;
  pid: number;
}

/**
 * The litwatch processes under test: one `litwatch start` (scheduler, workers, web) and worker
 * processes beside it (`litwatch start --role worker`), each `node bin/litwatch.js` itself (so
 * a signal reaches the process doing the work), logging to its own file in the run folder.
 */
export class LitwatchProcesses {
  readonly running = new Set<LitwatchProcess>();
  /** Processes that exited without being told to (a crash), not yet restarted. */
  readonly crashed: LitwatchProcess[] = [];
  /** Every crash so far. */
  crashes = 0;
  private readonly stopping = new Set<LitwatchProcess>();
  private started = 0;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly logDir: string,
  ) {}

  async spawn(role: 'all' | 'worker'): Promise<LitwatchProcess> {
    this.started += 1;
    const log = createWriteStream(path.join(this.logDir, `litwatch-${this.started}-${role}.log`));
    const args = role === 'all' ? ['start'] : ['start', '--role', 'worker'];
    const child = spawn(process.execPath, [BIN, ...args], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    const proc: LitwatchProcess = { role, child, pid: child.pid! };
    this.running.add(proc);
    child.on('exit', () => {
      this.running.delete(proc);
      if (this.stopping.delete(proc)) return;
      this.crashes += 1;
      this.crashed.push(proc);
    });
    await this.ready(child);
    return proc;
  }

  /** Up once it logs `litwatch.started` (workers listening); a process that exits first is an error. */
  private async ready(child: ChildProcess): Promise<void> {
    let seen = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`litwatch (pid ${child.pid}) did not start within 60 s:\n${seen.slice(-2000)}`)), 60_000);
      const onData = (chunk: Buffer) => {
        seen += chunk.toString('utf8');
        if (seen.includes('"event":"litwatch.started"')) {
          clearTimeout(timer);
          child.stderr!.off('data', onData);
          resolve();
        }
      };
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`litwatch (pid ${child.pid}) exited with ${code} before it started:\n${seen.slice(-2000)}`));
      });
    });
  }

  /** kill -9 of one process: no shutdown, its jobs stay locked until their lock expires. */
  async kill9(proc: LitwatchProcess): Promise<void> {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    const exited = once(proc.child, 'exit');
    this.stopping.add(proc);
    proc.child.kill('SIGKILL');
    await exited;
  }

  /** What a supervisor (systemd, Docker's restart policy) does: a fresh process for each one that crashed. */
  async restartCrashed(): Promise<number> {
    const crashed = this.crashed.splice(0);
    for (const proc of crashed) await this.spawn(proc.role);
    return crashed.length;
  }

  byPid(pid: number): LitwatchProcess | undefined {
    return [...this.running].find((p) => p.pid === pid);
  }

  /** SIGTERM to every process (bounded shutdown), SIGKILL to any still there after 10 s. */
  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.running].map(async (proc) => {
        if (proc.child.exitCode !== null) return;
        const exited = once(proc.child, 'exit');
        this.stopping.add(proc);
        proc.child.kill('SIGTERM');
        const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
