/**
 * An unexpected error as one line for the terminal: what failed, in the words of the system
 * call when there is one (`cannot open x.xml: no such file or directory`), never a stack trace.
 */
const SYSTEM_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  ECONNREFUSED: 'connection refused (is the server running?)',
  ENOTFOUND: 'host not found (check the URL)',
  ETIMEDOUT: 'timed out',
  EADDRINUSE: 'address already in use (another process listens on this port: set PORT)',
};

/** @param verbose a stack trace follows, so no hint to ask for one. */
export function oneLineError(err: unknown, verbose = false): string {
  if (!(err instanceof Error)) return `litwatch: ${String(err)}`;
  const sys = err as NodeJS.ErrnoException & { address?: string; port?: number };
  const words = sys.code ? SYSTEM_WORDS[sys.code] : undefined;
  if (words && sys.path) return `litwatch: cannot ${verb(sys.syscall)} ${sys.path}: ${words}`;
  if (words && sys.syscall === 'listen') return `litwatch: cannot listen on port ${sys.port ?? '?'}: ${words}`;
  if (words) return `litwatch: ${sys.syscall ?? 'request'} ${sys.address ?? ''}${sys.port ? `:${sys.port}` : ''} failed: ${words}`.replace(/\s+/g, ' ');
  const first = err.message.split('\n').find((line) => line.trim() !== '') ?? err.name;
  return `litwatch: ${first.trim()}${verbose ? '' : ' (run again with --verbose for details)'}`;
}

function verb(syscall: string | undefined): string {
  if (syscall === 'open' || syscall === 'read' || syscall === 'stat' || syscall === 'scandir') return 'read';
  if (syscall === 'mkdir' || syscall === 'write' || syscall === 'rename') return 'write';
  return syscall ?? 'use';
}
