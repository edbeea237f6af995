/**
 * PGlite is one PostgreSQL session. Whoever uses it (this process's statements and
 * transactions, or a client of the socket, from its first message until the session is idle
 * again) holds this lock, taken in turn (first come, first served), so nobody's statement ever
 * runs inside somebody else's transaction or half-sent query.
 */
export interface SessionLock {
  /** Resolves once the session is ours, with the function that hands it on. */
  acquire(): Promise<() => void>;
}

export function sessionLock(): SessionLock {
  let tail: Promise<void> = Promise.resolve();
  return {
    acquire() {
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const acquired = tail.then(() => release);
      tail = acquired.then(() => released);
      return acquired;
    },
  };
}

/** Runs `work` holding the lock; hands it on however `work` ends. */
export async function holding<T>(lock: SessionLock, work: () => Promise<T>): Promise<T> {
  const release = await lock.acquire();
  try {
    return await work();
  } finally {
    release();
  }
}
