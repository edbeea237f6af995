import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { DatabaseInUseError } from './database-errors.ts';

/**
 * `litwatch.pid` in the folder, created exclusively. A file left by a process that is gone (a
 * crash) is taken over; one whose process is alive refuses this one.
 */
const openHere = new Set<string>();

export function lockFolder(folder: string): { release(): void } {
  const file = path.join(folder, 'litwatch.pid');
  if (openHere.has(file)) throw new DatabaseInUseError(folder, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      openHere.add(file);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        openHere.delete(file);
        process.off('exit', release);
        try {
          if (Number(readFileSync(file, 'utf8').trim()) === process.pid) unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return { release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readPid(file);
      if (holder !== undefined && holder !== process.pid && isAlive(holder)) throw new DatabaseInUseError(folder, holder);
      try {
        unlinkSync(file); // stale: its process is gone
      } catch {
        // another process took it over first; the next attempt sees its pid
      }
    }
  }
  throw new DatabaseInUseError(folder, readPid(file) ?? 0);
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
