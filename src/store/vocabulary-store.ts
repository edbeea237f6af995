import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { Database } from './db/database.ts';
import { count, ms, parseRow } from './documents.ts';

/** The vocabulary files by name (`diseases.tsv`...), as text. */
export type VocabularyTexts = Record<string, string>;

const head = z.object({ version: count, sha256: z.string(), loaded_by: z.string(), loaded_at: ms });
const bytes = z.instanceof(Uint8Array);

/**
 * The shared vocabulary (table vocabulary_versions): stored once, read by every process, so
 * cards are tagged with the same names on every machine. The files travel as one gzip (about
 * 5 MB of text becomes well under 2 MB); a process reads them only when its own differ.
 */
export class VocabularyStore {
  constructor(private readonly db: Database) {}

  async newestVersion(): Promise<{ version: number; sha256: string; loadedBy: string; loadedAt: number } | undefined> {
    const row = parseRow(
      head,
      (await this.db.query('SELECT version, sha256, loaded_by, loaded_at FROM vocabulary_versions ORDER BY version DESC LIMIT 1'))[0],
      'vocabulary version',
    );
    return row && { version: row.version, sha256: row.sha256, loadedBy: row.loaded_by, loadedAt: row.loaded_at };
  }

  /** The files of a version. */
  async texts(version: number): Promise<VocabularyTexts | undefined> {
    const row = parseRow(
      z.object({ archive: bytes }),
      (await this.db.query('SELECT archive FROM vocabulary_versions WHERE version = $1', [version]))[0],
      'vocabulary',
    );
    if (!row) return undefined;
    return z.record(z.string(), z.string()).parse(JSON.parse(gunzipSync(row.archive).toString('utf8')));
  }

  /**
   * Store the files as the newest version. Content already stored under an older version is
   * stored again as a new one (a rollback to an earlier vocabulary is an edit like any other).
   */
  async store(texts: VocabularyTexts, sha256: string, loadedBy: string): Promise<{ version: number; stored: boolean }> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(7301190008)');
      const newest = parseRow(
        head,
        (await tx.query('SELECT version, sha256, loaded_by, loaded_at FROM vocabulary_versions ORDER BY version DESC LIMIT 1'))[0],
        'vocabulary version',
      );
      if (newest?.sha256 === sha256) return { version: newest.version, stored: false };
      await tx.query('DELETE FROM vocabulary_versions WHERE sha256 = $1', [sha256]);
      const archive = gzipSync(JSON.stringify(texts));
      const row = parseRow(
        z.object({ version: count }),
        (await tx.query('INSERT INTO vocabulary_versions (sha256, archive, loaded_by) VALUES ($1, $2, $3) RETURNING version', [sha256, archive, loadedBy]))[0],
        'vocabulary version',
      );
      if (!row) throw new Error('storing a vocabulary version returned no row');
      // Only the newest is ever read: older archives are a few MB each for nothing.
      await tx.query('DELETE FROM vocabulary_versions WHERE version < $1', [row.version]);
      return { version: row.version, stored: true };
    });
  }
}
