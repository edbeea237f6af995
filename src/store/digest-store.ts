import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Database } from './db/database.ts';
import { recordSends } from './subscriber-store.ts';
import { ms, optionalMs, parseRow, parseRows } from './documents.ts';

/**
 * A built digest: html + text + the works it delivers, stored before it is sent, so sending
 * is a separate job that only talks SMTP. Its status moves pending -> sending -> sent under a
 * lock (Ghost's updateStatusLock): one conditional UPDATE takes it, with a lease, so a retried or
 * duplicated send job never sends it twice, and a sender that died is taken over once its lease
 * has run out.
 * While built and not sent, its works are "in flight" for the subscriber: the next digest leaves
 * them out. A digest that failed for good gives them back, so they go out in the next one.
 */
export type DigestStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';

export interface Digest {
  id: string;
  subscriberId: string;
  period: string;
  status: DigestStatus;
  subject: string;
  html: string;
  text: string;
  workKeys: string[];
  /** Owed notices this digest tells of (`workKey|noticePmid`): settled when it is sent. */
  notices: string[];
  createdAt: number;
  sentAt?: number;
  attempts: number;
  lastError?: string;
}

/** One digest per subscriber and period: the id is derived from both. */
export function digestId(subscriberId: string, period: string): string {
  return `dg-${createHash('sha256').update(`${subscriberId}\n${period}`).digest('hex').slice(0, 24)}`;
}

/**
 * How long a sender holds a digest (LITWATCH_SEND_LEASE_MS). Shorter than the send job's retry budget (5 attempts, 15 s
 * doubling with jitter: at least 112 s before the last attempt), so when a worker dies
 * mid-send, a later attempt of the same job finds the lease over and sends; longer than an
 * SMTP send takes.
 */
export const SEND_LEASE_MS = 60_000;

const digestRow = z.object({
  id: z.string(),
  subscriber_id: z.string(),
  period: z.string(),
  status: z.enum(['pending', 'sending', 'sent', 'failed', 'cancelled']),
  subject: z.string(),
  html: z.string().nullable(),
  text: z.string().nullable(),
  notices: z.array(z.string()),
  created_at: ms,
  sent_at: optionalMs,
  attempts: z.coerce.number(),
  last_error: z.string().nullable(),
  work_keys: z.array(z.string()),
});

const COLUMNS =
  'd.id, d.subscriber_id, d.period, d.status, d.subject, d.html, d.text, d.notices, d.created_at, d.sent_at, d.attempts, d.last_error, d.work_keys';

function toDigest(row: z.output<typeof digestRow>): Digest {
  return {
    id: row.id,
    subscriberId: row.subscriber_id,
    period: row.period,
    status: row.status,
    subject: row.subject,
    html: row.html ?? '',
    text: row.text ?? '',
    workKeys: row.work_keys,
    notices: row.notices,
    createdAt: row.created_at,
    attempts: row.attempts,
    ...(row.sent_at !== undefined ? { sentAt: row.sent_at } : {}),
    ...(row.last_error ? { lastError: row.last_error } : {}),
  };
}

export type LockResult = 'locked' | 'done' | 'busy' | 'missing';

export class DigestStore {
  constructor(
    private readonly db: Database,
    private readonly leaseMs = SEND_LEASE_MS,
  ) {}

  /** Store a built digest; false when this subscriber's digest for the period exists already. */
  async create(digest: Omit<Digest, 'status' | 'attempts'>): Promise<boolean> {
    return (
      (
        await this.db.query(
          `INSERT INTO digests (id, subscriber_id, period, status, subject, html, text, notices, work_keys, created_at) VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7::text[], $8::text[], $9)
           ON CONFLICT (id) DO NOTHING RETURNING 1`,
          [
            digest.id,
            digest.subscriberId,
            digest.period,
            digest.subject,
            digest.html,
            digest.text,
            digest.notices,
            digest.workKeys,
            new Date(digest.createdAt),
          ],
        )
      ).length === 1
    );
  }

  async get(id: string): Promise<Digest | undefined> {
    const row = parseRow(digestRow, (await this.db.query(`SELECT ${COLUMNS} FROM digests d WHERE d.id = $1`, [id]))[0], 'digest');
    return row && toDigest(row);
  }

  /**
   * Take the right to send, for `leaseMs`. A lease that ran out (its sender died mid-send) is
   * taken over; the message keeps its Message-ID, so a receiver can tell a repeat. The lease is
   * measured on the database's clock (`now()`), the one clock every worker on every machine
   * shares: a machine whose clock runs ahead would otherwise take over a live lease. `now` is
   * for tests that step through a lease's life.
   */
  async lockForSending(id: string, now?: number, leaseMs = this.leaseMs): Promise<LockResult> {
    const locked = await this.db.query(
      `WITH clock AS (SELECT COALESCE($2::timestamptz, now()) AS t)
       UPDATE digests SET status = 'sending', lease_until = clock.t + make_interval(secs => $3::float8 / 1000), attempts = attempts + 1
       FROM clock WHERE id = $1 AND (status IN ('pending', 'failed') OR (status = 'sending' AND lease_until < clock.t)) RETURNING 1`,
      [id, now === undefined ? null : new Date(now), leaseMs],
    );
    if (locked.length === 1) return 'locked';
    const row = parseRow(z.object({ status: z.string() }), (await this.db.query('SELECT status FROM digests WHERE id = $1', [id]))[0], 'digest');
    if (!row) return 'missing';
    return row.status === 'sending' ? 'busy' : 'done';
  }

  /**
   * New bodies for a digest its sender holds (status `sending`): a mail server refused the
   * message for its size and it was rebuilt smaller. A later attempt sends these, never the old.
   */
  async replaceBody(id: string, body: { html: string; text: string }): Promise<boolean> {
    return (
      (await this.db.query(`UPDATE digests SET html = $2, text = $3 WHERE id = $1 AND status = 'sending' RETURNING 1`, [id, body.html, body.text])).length === 1
    );
  }

  /**
   * Sent: its works join the subscriber's sent history (one row for the whole digest) and its
   * owed notices are settled in the same transaction. The bodies go (the digest's web page
   * renders its works afresh). A digest already marked sent is left as it is, so its works are
   * not recorded twice.
   */
  async markSent(digest: Pick<Digest, 'id' | 'subscriberId'>, now = Date.now()): Promise<void> {
    await this.db.transaction(async (tx) => {
      const sent = parseRow(
        z.object({ subscriber_id: z.string(), notices: z.array(z.string()), work_keys: z.array(z.string()) }),
        (
          await tx.query(
            `UPDATE digests SET status = 'sent', sent_at = $2, html = NULL, text = NULL, last_error = NULL, lease_until = NULL WHERE id = $1 AND status <> 'sent'
             RETURNING subscriber_id, notices, work_keys`,
            [digest.id, new Date(now)],
          )
        )[0],
        'digest',
      );
      if (!sent) return;
      if (sent.work_keys.length > 0) await recordSends(tx, sent.subscriber_id, sent.work_keys, now);
      const owed = sent.notices.map((notice) => notice.lastIndexOf('|'));
      await tx.query('DELETE FROM owed_notices WHERE subscriber_id = $1 AND (work_key, notice_pmid) IN (SELECT * FROM unnest($2::text[], $3::text[]))', [
        sent.subscriber_id,
        sent.notices.map((notice, i) => notice.slice(0, owed[i])),
        sent.notices.map((notice, i) => notice.slice((owed[i] ?? 0) + 1)),
      ]);
    });
  }

  /**
   * A send that failed. While retries remain the works stay in flight; after the last one (or
   * when cancelled) they are given back for the next digest.
   */
  async markFailed(digest: Pick<Digest, 'id' | 'subscriberId'>, error: string, final: boolean): Promise<void> {
    await this.db.query(`UPDATE digests SET status = 'failed', last_error = $2, lease_until = NULL, released = released OR $3 WHERE id = $1`, [
      digest.id,
      error.slice(0, 500),
      final,
    ]);
  }

  /** Not sent on purpose (the subscriber left or paused meanwhile): works given back. */
  async cancel(digest: Pick<Digest, 'id' | 'subscriberId'>, reason: string): Promise<void> {
    await this.db.query(`UPDATE digests SET status = 'cancelled', last_error = $2, lease_until = NULL, released = true WHERE id = $1`, [digest.id, reason]);
  }

  /**
   * Of these works (a digest's candidates), those this subscriber was sent (within
   * retention.sentDays) or has in flight: what the next digest leaves out. Asked about the
   * candidates only, it reads no more than they are, however long the history.
   */
  async alreadyDelivered(subscriberId: string, keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db.query(
      `WITH candidates AS (SELECT DISTINCT k FROM unnest($2::text[]) AS k),
       delivered AS (
         SELECT unnest(work_keys) AS k FROM subscriber_sends WHERE subscriber_id = $1
         UNION ALL
         SELECT unnest(work_keys) FROM digests WHERE subscriber_id = $1 AND status IN ('pending', 'sending', 'failed') AND NOT released)
       SELECT DISTINCT k AS work_key FROM delivered JOIN candidates USING (k)`,
      [subscriberId, keys],
    );
    return new Set(parseRows(z.object({ work_key: z.string() }), rows, 'delivered work').map((row) => row.work_key));
  }

  /** Works in this subscriber's built, unsent digests. */
  async inFlight(subscriberId: string): Promise<Set<string>> {
    const rows = await this.db.query(
      `SELECT DISTINCT unnest(work_keys) AS work_key FROM digests WHERE subscriber_id = $1 AND status IN ('pending', 'sending', 'failed') AND NOT released`,
      [subscriberId],
    );
    return new Set(parseRows(z.object({ work_key: z.string() }), rows, 'digest item').map((row) => row.work_key));
  }

  /**
   * Digests built before `beforeMs` go (retention.digestDays); what they
   * delivered stays in the subscribers' sent history. One still being sent is kept.
   */
  async prune(beforeMs: number): Promise<number> {
    return (
      await this.db.query(`DELETE FROM digests WHERE created_at < $1 AND NOT (status = 'sending' AND lease_until > now()) RETURNING 1`, [new Date(beforeMs)])
    ).length;
  }

  /** Most recent first. */
  async recent(limit = 50): Promise<Digest[]> {
    return parseRows(digestRow, await this.db.query(`SELECT ${COLUMNS} FROM digests d ORDER BY d.created_at DESC, d.id DESC LIMIT $1`, [limit]), 'digest').map(
      toDigest,
    );
  }
}
