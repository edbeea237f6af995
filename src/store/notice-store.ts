import { z } from 'zod';
import type { WorkNotice } from '../notices/work-notice.ts';
import type { Database } from './db/database.ts';
import { noticeSchema } from './document-schemas.ts';
import { document, documentOf, parseRows } from './documents.ts';

/** An owed notice: this subscriber received `workKey` and has not been told of `noticePmid` yet. */
export interface OwedNotice {
  workKey: string;
  noticePmid: string;
}

/**
 * Notices on works (shown on their cards), and for each subscriber the notices they are owed:
 * those on works they already received, to be told once, in their next digest.
 */
export class NoticeStore {
  constructor(private readonly db: Database) {}

  /** False when the work already carries this notice (a re-run finds it again). */
  async add(workKey: string, notice: WorkNotice): Promise<boolean> {
    const added = await this.db.query(
      'INSERT INTO work_notices (work_key, notice_pmid, notice) VALUES ($1, $2, $3::jsonb) ON CONFLICT DO NOTHING RETURNING 1',
      [workKey, notice.noticePmid, document(notice)],
    );
    return added.length === 1;
  }

  async forWork(workKey: string): Promise<WorkNotice[]> {
    const rows = parseRows(
      z.object({ notice: documentOf(noticeSchema) }),
      await this.db.query('SELECT notice FROM work_notices WHERE work_key = $1', [workKey]),
      'work notice',
    );
    return rows.map((row) => row.notice).sort((a, b) => (a.date ?? '').localeCompare(b.date ?? ''));
  }

  async owe(subscriberId: string, owed: OwedNotice): Promise<void> {
    await this.db.query(
      'INSERT INTO owed_notices (subscriber_id, work_key, notice_pmid) SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM subscribers WHERE id = $1) ON CONFLICT DO NOTHING',
      [subscriberId, owed.workKey, owed.noticePmid],
    );
  }

  async owed(subscriberId: string): Promise<OwedNotice[]> {
    const rows = parseRows(
      z.object({ work_key: z.string(), notice_pmid: z.string() }),
      await this.db.query('SELECT work_key, notice_pmid FROM owed_notices WHERE subscriber_id = $1 ORDER BY work_key, notice_pmid', [subscriberId]),
      'owed notice',
    );
    return rows.map((row) => ({ workKey: row.work_key, noticePmid: row.notice_pmid }));
  }
}
