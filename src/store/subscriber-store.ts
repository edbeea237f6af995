import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { storeKeys, type StoreKeys } from './keys.ts';

export type Frequency = 'daily' | 'weekly';
export type SubscriberStatus = 'active' | 'paused' | 'unsubscribed';

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

/**
 * Subscribers and their sent-works ledger in Redis. The address is looked up by id only where
 * mail is sent; everything else (jobs, logs, links) names the subscriber by id.
 */
export class SubscriberStore {
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
  }

  async get(id: string): Promise<Subscriber | undefined> {
    const raw = await this.redis.get(this.keys.subscriber(id));
    return raw ? (JSON.parse(raw) as Subscriber) : undefined;
  }

  async findByEmail(email: string): Promise<Subscriber | undefined> {
    const id = await this.redis.hget(this.keys.subscriberByEmail, normaliseEmail(email));
    return id ? this.get(id) : undefined;
  }

  async list(): Promise<Subscriber[]> {
    const ids = await this.redis.smembers(this.keys.subscribers);
    const all = await Promise.all(ids.map((id) => this.get(id)));
    return all.filter((s): s is Subscriber => s !== undefined).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Create, or update the choices of, the subscriber with this address. */
  async save(input: SubscriberInput, origin: Subscriber['origin'], now = Date.now()): Promise<Subscriber> {
    const existing = await this.findByEmail(input.email);
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
    await this.write(subscriber);
    return subscriber;
  }

  async update(id: string, patch: Partial<Omit<Subscriber, 'id' | 'email' | 'origin' | 'createdAt'>>, now = Date.now()): Promise<Subscriber | undefined> {
    const existing = await this.get(id);
    if (!existing) return undefined;
    const updated = { ...existing, ...patch, updatedAt: now };
    await this.write(updated);
    return updated;
  }

  /** Stop all mail to this subscriber. Kept (not deleted) so a config sync never re-subscribes them. */
  async unsubscribe(id: string, now = Date.now()): Promise<boolean> {
    return (await this.update(id, { status: 'unsubscribed' }, now)) !== undefined;
  }

  /** Forget a subscriber entirely (the admin's `subscribers remove`). */
  async remove(id: string): Promise<boolean> {
    const existing = await this.get(id);
    if (!existing) return false;
    await this.redis
      .multi()
      .del(this.keys.subscriber(id), this.keys.subscriberSent(id))
      .hdel(this.keys.subscriberByEmail, normaliseEmail(existing.email))
      .srem(this.keys.subscribers, id)
      .exec();
    return true;
  }

  private async write(subscriber: Subscriber): Promise<void> {
    await this.redis
      .multi()
      .set(this.keys.subscriber(subscriber.id), JSON.stringify(subscriber))
      .hset(this.keys.subscriberByEmail, normaliseEmail(subscriber.email), subscriber.id)
      .sadd(this.keys.subscribers, subscriber.id)
      .exec();
  }

  /** A self-subscription to confirm; it disappears after REQUEST_TTL_SECONDS. */
  async request(input: Omit<SubscriptionRequest, 'id' | 'createdAt'>, now = Date.now()): Promise<SubscriptionRequest> {
    const request: SubscriptionRequest = { ...input, email: input.email.trim(), id: newId('req'), createdAt: now };
    await this.redis.set(this.keys.subscriptionRequest(request.id), JSON.stringify(request), 'EX', REQUEST_TTL_SECONDS);
    return request;
  }

  async getRequest(id: string): Promise<SubscriptionRequest | undefined> {
    const raw = await this.redis.get(this.keys.subscriptionRequest(id));
    return raw ? (JSON.parse(raw) as SubscriptionRequest) : undefined;
  }

  /** Turn a pending request into an active subscription; undefined when it expired or was used. */
  async confirm(requestId: string, now = Date.now()): Promise<Subscriber | undefined> {
    const raw = await this.redis.getdel(this.keys.subscriptionRequest(requestId));
    if (!raw) return undefined;
    const request = JSON.parse(raw) as SubscriptionRequest;
    return this.save({ email: request.email, watches: request.watches, frequency: request.frequency, timezone: request.timezone }, 'self', now);
  }

  async hasReceived(id: string, workKey: string): Promise<boolean> {
    return (await this.redis.sismember(this.keys.subscriberSent(id), workKey)) === 1;
  }

  /** Works this subscriber has received. */
  async sent(id: string): Promise<Set<string>> {
    return new Set(await this.redis.smembers(this.keys.subscriberSent(id)));
  }
}
