import type { Redis } from 'ioredis';
import type { WorkNotice } from '../notices/work-notice.ts';
import { storeKeys, type StoreKeys } from './keys.ts';

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
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
  }

  /** False when the work already carries this notice (a re-run finds it again). */
  async add(workKey: string, notice: WorkNotice): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys.workNotices(workKey), notice.noticePmid, JSON.stringify(notice))) === 1;
  }

  async forWork(workKey: string): Promise<WorkNotice[]> {
    const values = await this.redis.hvals(this.keys.workNotices(workKey));
    return values.map((v) => JSON.parse(v) as WorkNotice).sort((a, b) => (a.date ?? '').localeCompare(b.date ?? ''));
  }

  async owe(subscriberId: string, owed: OwedNotice): Promise<void> {
    await this.redis.sadd(this.keys.subscriberNotices(subscriberId), `${owed.workKey}|${owed.noticePmid}`);
  }

  async owed(subscriberId: string): Promise<OwedNotice[]> {
    const members = await this.redis.smembers(this.keys.subscriberNotices(subscriberId));
    return members.map((member) => {
      const split = member.lastIndexOf('|');
      return { workKey: member.slice(0, split), noticePmid: member.slice(split + 1) };
    });
  }
}
