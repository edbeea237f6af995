import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Database, Queryable } from './db/database.ts';
import { filtersSchema } from './document-schemas.ts';
import { document, documentOf, ms, parseRow, parseRows } from './documents.ts';

export type Frequency = 'daily' | 'weekly';
/** `bouncing`: the mail server refused the address for good mail.bounceLimit times in a row; nothing is sent. */
export type SubscriberStatus = 'active' | 'paused' | 'unsubscribed' | 'bouncing';

/**
 * Narrowing one watch by entity ids (MeSH disease ids `MESH:D011471`, taxon ids `10090`):
 * `include` keeps only works that mention one of them; `exclude` drops works whose entities of
 * that kind are all in it ("no mouse-only studies"). Works whose entities are not known yet are
 * always kept.
 */
export interface WatchFilter {
  include?: string[];
  exclude?: string[];
}

export interface Subscriber {
  /** Opaque and stable: what job data, logs and links carry instead of the address. */
  id: string;
  email: string;
  watches: string[];
  frequency: Frequency;
  /** IANA zone the digest schedule is read in. */
  timezone: string;
  status: SubscriberStatus;
  /** Declared in config/watches.yaml, added with `litwatch subscribers add`, or subscribed on the public page. */
  origin: 'config' | 'admin' | 'self';
  filters: Record<string, WatchFilter>;
  /** Send a short "no new publications" email instead of nothing. */
  sendEmpty: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A self-subscription waiting for its confirmation link; it expires by itself. */
export interface SubscriptionRequest {
  id: string;
  email: string;
  watches: string[];
  frequency: Frequency;
  timezone: string;
  createdAt: number;
}

/** Unconfirmed requests expire after this long. */
export const REQUEST_TTL_SECONDS = 48 * 3600;

export type SubscriberInput = Pick<Subscriber, 'email' | 'watches' | 'frequency'> & Partial<Pick<Subscriber, 'timezone' | 'sendEmpty' | 'filters'>>;

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const subscriberRow = z.object({
  id: z.string(),
  email: z.string(),
  watches: z.array(z.string()),
  frequency: z.enum(['daily', 'weekly']),
  timezone: z.string(),
  status: z.enum(['active', 'paused', 'unsubscribed', 'bouncing']),
  origin: z.enum(['config', 'admin', 'self']),
  filters: documentOf(filtersSchema),
  send_empty: z.boolean(),
  created_at: ms,
  updated_at: ms,
});

const bounceRow = z.object({ bounces: z.number().int(), status: z.enum(['active', 'paused', 'unsubscribed', 'bouncing']) });

const requestRow = z.object({
  id: z.string(),
  email: z.string(),
  watches: z.array(z.string()),
  frequency: z.enum(['daily', 'weekly']),
  timezone: z.string(),
  created_at: ms,
});

const COLUMNS = 'id, email, watches, frequency, timezone, status, origin, filters, send_empty, created_at, updated_at';

function toSubscriber(row: z.output<typeof subscriberRow>): Subscriber {
  return {
    id: row.id,
    email: row.email,
    watches: row.watches,
    frequency: row.frequency,
    timezone: row.timezone,
    status: row.status,
    origin: row.origin,
    filters: row.filters,
    sendEmpty: row.send_empty,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Subscribers, their preferences and the works each received. The address is looked up by id
 * only where mail is sent; everything else (jobs, logs, links) names the subscriber by id.
 */
export class SubscriberStore {
  constructor(private readonly db: Database) {}

  async get(id: string): Promise<Subscriber | undefined> {
    const row = parseRow(subscriberRow, (await this.db.query(`SELECT ${COLUMNS} FROM subscribers WHERE id = $1`, [id]))[0], 'subscriber');
    return row && toSubscriber(row);
  }

  async findByEmail(email: string): Promise<Subscriber | undefined> {
    const row = parseRow(
      subscriberRow,
      (await this.db.query(`SELECT ${COLUMNS} FROM subscribers WHERE email_norm = $1`, [normaliseEmail(email)]))[0],
      'subscriber',
    );
    return row && toSubscriber(row);
  }

  async list(): Promise<Subscriber[]> {
    return parseRows(subscriberRow, await this.db.query(`SELECT ${COLUMNS} FROM subscribers ORDER BY created_at, id`), 'subscriber').map(toSubscriber);
  }

  /**
   * One page of the active subscribers due a digest with this frequency in this zone, by id
   * after `afterId` (keyset pagination: a digest plan at 50,000 subscribers holds a page at a
   * time, not all of them). `ids` narrows it to these subscribers.
   */
  async dueForDigest(
    due: { frequency: Frequency; timezone: string; ids?: readonly string[] },
    afterId: string | undefined,
    limit: number,
  ): Promise<Subscriber[]> {
    return parseRows(
      subscriberRow,
      await this.db.query(
        `SELECT ${COLUMNS} FROM subscribers WHERE status = 'active' AND frequency = $1 AND timezone = $2 AND id > $3 AND ($5::text[] IS NULL OR id = ANY ($5::text[]))
         ORDER BY id LIMIT $4`,
        [due.frequency, due.timezone, afterId ?? '', limit, due.ids ?? null],
      ),
      'subscriber',
    ).map(toSubscriber);
  }

  /** Create, or update the choices of, the subscriber with this address. */
  async save(input: SubscriberInput, origin: Subscriber['origin'], now = Date.now()): Promise<Subscriber> {
    return this.db.transaction((tx) => this.saveIn(tx, input, origin, now));
  }

  private async saveIn(tx: Queryable, input: SubscriberInput, origin: Subscriber['origin'], now: number): Promise<Subscriber> {
    const found = parseRow(
      subscriberRow,
      (await tx.query(`SELECT ${COLUMNS} FROM subscribers WHERE email_norm = $1 FOR UPDATE`, [normaliseEmail(input.email)]))[0],
      'subscriber',
    );
    const existing = found && toSubscriber(found);
    const subscriber: Subscriber = {
      id: existing?.id ?? newId('sub'),
      email: input.email.trim(),
      watches: [...input.watches],
      frequency: input.frequency,
      timezone: input.timezone ?? existing?.timezone ?? 'UTC',
      status: 'active',
      origin: existing?.origin ?? origin,
      filters: input.filters ?? existing?.filters ?? {},
      sendEmpty: input.sendEmpty ?? existing?.sendEmpty ?? false,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.write(tx, subscriber);
    return subscriber;
  }

  async update(id: string, patch: Partial<Omit<Subscriber, 'id' | 'email' | 'origin' | 'createdAt'>>, now = Date.now()): Promise<Subscriber | undefined> {
    return this.db.transaction(async (tx) => {
      const row = parseRow(subscriberRow, (await tx.query(`SELECT ${COLUMNS} FROM subscribers WHERE id = $1 FOR UPDATE`, [id]))[0], 'subscriber');
      if (!row) return undefined;
      const updated = { ...toSubscriber(row), ...patch, updatedAt: now };
      await this.write(tx, updated);
      return updated;
    });
  }

  /** Stop all mail to this subscriber. Kept (not deleted) so a config sync never re-subscribes them. */
  async unsubscribe(id: string, now = Date.now()): Promise<boolean> {
    return (await this.update(id, { status: 'unsubscribed' }, now)) !== undefined;
  }

  /**
   * One more permanent refusal of the address (SMTP 5xx for the recipient). At `limit` refusals
   * in a row an active subscriber becomes `bouncing`; one statement, so two send jobs failing at
   * once both count. Undefined when the subscriber is gone.
   */
  async recordBounce(id: string, limit: number, now = Date.now()): Promise<{ bounces: number; status: SubscriberStatus } | undefined> {
    const rows = await this.db.query(
      `UPDATE subscribers SET bounces = bounces + 1, updated_at = $3,
         status = CASE WHEN status = 'active' AND bounces + 1 >= $2 THEN 'bouncing' ELSE status END
       WHERE id = $1 RETURNING bounces, status`,
      [id, limit, new Date(now)],
    );
    return parseRow(bounceRow, rows[0], 'subscriber bounces');
  }

  /** The address took a message: earlier refusals no longer count towards the limit. */
  async clearBounces(id: string): Promise<void> {
    await this.db.query('UPDATE subscribers SET bounces = 0 WHERE id = $1 AND bounces > 0', [id]);
  }

  /** Forget a subscriber entirely (the admin's `subscribers remove`): their history and owed notices go too. */
  async remove(id: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM subscribers WHERE id = $1 RETURNING 1', [id])).length === 1;
  }

  private async write(tx: Queryable, s: Subscriber): Promise<void> {
    await tx.query(
      `INSERT INTO subscribers (${COLUMNS}, email_norm) VALUES ($1, $2, $3::text[], $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12)
       ON CONFLICT (id) DO UPDATE SET email = excluded.email, email_norm = excluded.email_norm, watches = excluded.watches, frequency = excluded.frequency,
         timezone = excluded.timezone, status = excluded.status, filters = excluded.filters, send_empty = excluded.send_empty, updated_at = excluded.updated_at,
         -- Made active again (preferences, the admin adding it again): its refusals are forgiven.
         bounces = CASE WHEN excluded.status = 'active' AND subscribers.status <> 'active' THEN 0 ELSE subscribers.bounces END`,
      [
        s.id,
        s.email,
        s.watches,
        s.frequency,
        s.timezone,
        s.status,
        s.origin,
        document(s.filters),
        s.sendEmpty,
        new Date(s.createdAt),
        new Date(s.updatedAt),
        normaliseEmail(s.email),
      ],
    );
  }

  /** A self-subscription to confirm; it expires REQUEST_TTL_SECONDS from now (wall clock). */
  async request(input: Omit<SubscriptionRequest, 'id' | 'createdAt'>, now = Date.now()): Promise<SubscriptionRequest> {
    const request: SubscriptionRequest = { ...input, email: input.email.trim(), id: newId('req'), createdAt: now };
    await this.db.query(
      'INSERT INTO subscription_requests (id, email, watches, frequency, timezone, created_at, expires_at) VALUES ($1, $2, $3::text[], $4, $5, $6, $7)',
      [request.id, request.email, request.watches, request.frequency, request.timezone, new Date(now), new Date(Date.now() + REQUEST_TTL_SECONDS * 1000)],
    );
    return request;
  }

  async getRequest(id: string): Promise<SubscriptionRequest | undefined> {
    const row = parseRow(
      requestRow,
      (
        await this.db.query('SELECT id, email, watches, frequency, timezone, created_at FROM subscription_requests WHERE id = $1 AND expires_at > $2', [
          id,
          new Date(),
        ])
      )[0],
      'subscription request',
    );
    return row && { id: row.id, email: row.email, watches: row.watches, frequency: row.frequency, timezone: row.timezone, createdAt: row.created_at };
  }

  /** Turn a pending request into an active subscription; undefined when it expired or was used. */
  async confirm(requestId: string, now = Date.now()): Promise<Subscriber | undefined> {
    return this.db.transaction(async (tx) => {
      const row = parseRow(
        requestRow,
        (
          await tx.query('DELETE FROM subscription_requests WHERE id = $1 AND expires_at > $2 RETURNING id, email, watches, frequency, timezone, created_at', [
            requestId,
            new Date(),
          ])
        )[0],
        'subscription request',
      );
      if (!row) return undefined;
      return this.saveIn(tx, { email: row.email, watches: row.watches, frequency: row.frequency, timezone: row.timezone }, 'self', now);
    });
  }

  /** Requests nobody confirmed in time (the retention job calls this). */
  async dropExpiredRequests(now = Date.now()): Promise<number> {
    return (await this.db.query('DELETE FROM subscription_requests WHERE expires_at <= $1 RETURNING 1', [new Date(now)])).length;
  }

  /**
   * Forget deliveries older than `beforeMs` (retention.sentDays), each with all its works: they
   * no longer decide what a reader gets.
   */
  async pruneSent(beforeMs: number): Promise<number> {
    return (await this.db.query('DELETE FROM subscriber_sends WHERE sent_at < $1 RETURNING 1', [new Date(beforeMs)])).length;
  }

  async hasReceived(id: string, workKey: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM subscriber_sends WHERE subscriber_id = $1 AND $2 = ANY (work_keys) LIMIT 1', [id, workKey])).length === 1;
  }

  /** Works this subscriber has received (within retention.sentDays). */
  async sent(id: string): Promise<Set<string>> {
    const rows = parseRows(
      z.object({ work_key: z.string() }),
      await this.db.query('SELECT DISTINCT unnest(work_keys) AS work_key FROM subscriber_sends WHERE subscriber_id = $1', [id]),
      'sent work',
    );
    return new Set(rows.map((row) => row.work_key));
  }

  /** Record works as received outside a digest (an import, a test's history), as one delivery. */
  async recordSent(id: string, workKeys: string[], now = Date.now()): Promise<void> {
    if (workKeys.length === 0) return;
    await recordSends(this.db, id, workKeys, now);
  }
}

/**
 * One delivery into a subscriber's sent history: one row holding its works, not a row per work.
 * A second delivery at the same instant joins the first. Nothing is recorded for a subscriber
 * that is gone (its history would go with it anyway).
 */
export async function recordSends(db: Queryable, subscriberId: string, workKeys: readonly string[], now: number): Promise<void> {
  await db.query(
    `INSERT INTO subscriber_sends (subscriber_id, sent_at, work_keys) SELECT $1, $3, $2::text[] WHERE EXISTS (SELECT 1 FROM subscribers WHERE id = $1)
     ON CONFLICT (subscriber_id, sent_at) DO UPDATE SET work_keys = ARRAY(SELECT DISTINCT k FROM unnest(subscriber_sends.work_keys || EXCLUDED.work_keys) AS k)`,
    [subscriberId, workKeys, new Date(now)],
  );
}
