import { z } from 'zod';
import type { Database } from './db/database.ts';
import { count, ms, parseRow } from './documents.ts';

/** A version of config/watches.yaml as stored by the process that read it. */
export interface StoredConfig {
  version: number;
  sha256: string;
  yaml: string;
  /** `host:pid path` of the process that stored it. */
  loadedBy: string;
  /** Epoch ms. */
  loadedAt: number;
}

const head = z.object({ version: count, sha256: z.string() });
const full = head.extend({ yaml: z.string(), loaded_by: z.string(), loaded_at: ms });

/**
 * The shared config (table config_versions): every version of watches.yaml that a process
 * stored, the newest in force everywhere. Old versions stay, so a process can tell a stale
 * copy (a hash seen before) from an edit nobody stored yet.
 */
export class ConfigStore {
  constructor(private readonly db: Database) {}

  /** The newest version's number and hash: one indexed row, cheap enough to poll. */
  async newestVersion(): Promise<{ version: number; sha256: string } | undefined> {
    return parseRow(head, (await this.db.query('SELECT version, sha256 FROM config_versions ORDER BY version DESC LIMIT 1'))[0], 'config version');
  }

  async newest(): Promise<StoredConfig | undefined> {
    const row = parseRow(
      full,
      (await this.db.query('SELECT version, sha256, yaml, loaded_by, loaded_at FROM config_versions ORDER BY version DESC LIMIT 1'))[0],
      'config version',
    );
    return row && { version: row.version, sha256: row.sha256, yaml: row.yaml, loadedBy: row.loaded_by, loadedAt: row.loaded_at };
  }

  /** The version that had this hash last, if any (a local file that is an older version). */
  async versionOf(sha256: string): Promise<number | undefined> {
    const row = parseRow(
      head,
      (await this.db.query('SELECT version, sha256 FROM config_versions WHERE sha256 = $1 ORDER BY version DESC LIMIT 1', [sha256]))[0],
      'config version',
    );
    return row?.version;
  }

  /**
   * Store `yaml` as the newest version unless it already is. Returns the newest version and
   * whether this call made it. The check and the insert are one statement under a transaction
   * lock, so two processes saving the same edit at once store it once.
   */
  async store(yaml: string, sha256: string, loadedBy: string): Promise<{ version: number; stored: boolean }> {
    return this.db.transaction(async (tx) => {
      // Any constant: serialises writers of config_versions only.
      await tx.query('SELECT pg_advisory_xact_lock(7301190007)');
      const newest = parseRow(head, (await tx.query('SELECT version, sha256 FROM config_versions ORDER BY version DESC LIMIT 1'))[0], 'config version');
      if (newest?.sha256 === sha256) return { version: newest.version, stored: false };
      const row = parseRow(
        head,
        (await tx.query('INSERT INTO config_versions (sha256, yaml, loaded_by) VALUES ($1, $2, $3) RETURNING version, sha256', [sha256, yaml, loadedBy]))[0],
        'config version',
      );
      if (!row) throw new Error('storing a config version returned no row');
      return { version: row.version, stored: true };
    });
  }
}
