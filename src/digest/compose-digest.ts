import { sourceUrl } from '../card/card-links.ts';
import { renderDigest } from '../mail/render-digest.ts';
import { renderDigestEntry } from '../mail/render-digest-entry.ts';
import { renderEmptyDigest } from '../mail/render-empty-digest.ts';
import type { CardParts, DigestNotice, RenderedEmail, SubscriberLinks } from '../mail/render-types.ts';
import { noticeLine } from '../notices/work-notice.ts';
import type { Services } from '../services.ts';
import { type Digest, digestId } from '../store/digest-store.ts';
import type { Subscriber } from '../store/subscriber-store.ts';
import { links, workPageUrl, type Links } from '../web/links.ts';
import { assembleDigest, type AssembledDigest, type DigestCandidate } from './assemble-digest.ts';
import { CandidateLoader, MAX_LOOKBACK_DAYS } from './candidate-loader.ts';
import { digestEntryView, type DigestEntryView } from './entry-view.ts';
import { digestPeriod, type DigestPeriod } from './digest-period.ts';

const DAY_MS = 86_400_000;

/**
 * What the entries of one digest email may take (UTF-8 bytes of the HTML and text parts), so
 * that no record can make a message a mail server refuses. Sent base64-encoded the message is
 * about 1.4 MB at most: a seventh of Postfix's default message_size_limit (10,240,000 bytes)
 * and far under Gmail's and Microsoft 365's 25 MB and more. Real digests never reach it (50
 * entries are under 100 KB); it only bounds what a hostile or broken record could add.
 */
export const ENTRY_BUDGET_BYTES = 1_000_000;

export interface ComposedDigest {
  id: string;
  period: DigestPeriod;
  assembled: AssembledDigest;
  /** Owed notices it tells of (`workKey|noticePmid`). */
  notices: string[];
  /** Undefined when there is nothing to send (no new works and no "nothing new" email wanted). */
  email?: RenderedEmail;
}

/**
 * Everything one digest run shares between subscribers: the watches' works read once, each
 * work loaded once, each entry built and rendered once (per watch it is listed under). Build
 * jobs of one run share one DigestRun through digest-runs.ts.
 */
export class DigestRun {
  readonly loader: CandidateLoader;
  private readonly entries = new Map<string, DigestEntryView>();
  private readonly parts = new WeakMap<DigestEntryView, CardParts>();
  private readonly sizes = new WeakMap<DigestEntryView, number>();
  private readonly watchNames: Map<string, string>;
  /** How much work this run did: each entry should be built and rendered once, however many digests list it. */
  readonly stats = { entriesBuilt: 0, entriesRendered: 0, digests: 0 };

  constructor(
    private readonly services: Services,
    readonly now: Date,
  ) {
    this.loader = new CandidateLoader(services, now);
    this.watchNames = new Map(services.config().watches.map((w) => [w.id, w.name]));
  }

  watchName = (watchId: string): string => this.watchNames.get(watchId) ?? watchId;

  /** The candidate's entry under this watch, built once per run. */
  entryFor = (candidate: DigestCandidate, watchId: string): DigestEntryView => {
    const cacheKey = `${watchId}\n${candidate.key}`;
    let entry = this.entries.get(cacheKey);
    if (!entry) {
      entry = digestEntryView(candidate.card, workPageUrl(this.services.env.LITWATCH_PUBLIC_URL, candidate.key), this.watchName(watchId));
      this.entries.set(cacheKey, entry);
      this.stats.entriesBuilt++;
    }
    return entry;
  };

  /** Both parts of an entry, rendered once per run. */
  renderEntry = (entry: DigestEntryView): CardParts => {
    let rendered = this.parts.get(entry);
    if (!rendered) {
      rendered = renderDigestEntry(entry);
      this.parts.set(entry, rendered);
      this.stats.entriesRendered++;
    }
    return rendered;
  };

  /** An entry's size in an email: both parts, UTF-8 bytes (rendered once per run, like the email uses it). */
  entryBytes = (entry: DigestEntryView): number => {
    let bytes = this.sizes.get(entry);
    if (bytes === undefined) {
      const parts = this.renderEntry(entry);
      bytes = Buffer.byteLength(parts.html) + Buffer.byteLength(parts.text);
      this.sizes.set(entry, bytes);
    }
    return bytes;
  };

  /** The subscriber's digest for the current period, composed but not stored or sent. */
  async compose(subscriber: Subscriber): Promise<ComposedDigest> {
    const { services } = this;
    const settings = services.config().digest;
    this.stats.digests++;
    const period = digestPeriod(subscriber.frequency, this.now, subscriber.timezone);
    const since = Math.max(subscriber.createdAt - settings.backfillDays * DAY_MS, this.now.getTime() - MAX_LOOKBACK_DAYS * DAY_MS);
    const candidates = await this.loader.forWatches(subscriber.watches, since);
    // Sent before or in flight: asked about these candidates only, not read as the whole history.
    const delivered = await services.digests.alreadyDelivered(
      subscriber.id,
      candidates.map((c) => c.key),
    );
    const budget = { maxBytes: ENTRY_BUDGET_BYTES, sizeOf: this.entryBytes };
    const assembled = assembleDigest(subscriber, candidates, delivered, this.watchNames, settings.maxItems, this.entryFor, budget);
    const id = digestId(subscriber.id, period.key);
    const notices = await this.noticesFor(await services.notices.owed(subscriber.id));
    let email: RenderedEmail | undefined;
    if (assembled.workKeys.length > 0 || notices.length > 0) {
      email = this.renderEmail(subscriber, id, period.label, assembled, notices);
    } else if (subscriber.sendEmpty) {
      email = renderEmptyDigest({ periodLabel: period.label, watchNames: subscriber.watches.map(this.watchName), links: this.links(subscriber.id) });
    }
    return { id, period, assembled, notices: notices.map((n) => n.member), ...(email ? { email } : {}) };
  }

  /**
   * A stored digest again, from the works and notices it delivers, within `budget` and with the
   * works in `budget.omit` on its web page only: for a mail server that refused it for its size
   * (jobs/send-digest.ts). Every work stays in the digest, so the reader still gets it, through
   * the "Read all N on the web" link, and it is not offered again.
   */
  async rebuild(
    subscriber: Subscriber,
    digest: Pick<Digest, 'id' | 'period' | 'workKeys' | 'notices' | 'createdAt'>,
    budget: { maxBytes: number; omit: ReadonlySet<string> },
  ): Promise<{ email: RenderedEmail; assembled: AssembledDigest }> {
    const candidates = await this.loader.forKeys(digest.workKeys);
    // Filters were applied when the digest was built; its works are listed whatever they say now.
    const assembled = assembleDigest(
      { watches: subscriber.watches, filters: {} },
      candidates,
      new Set(),
      this.watchNames,
      this.services.config().digest.maxItems,
      this.entryFor,
      {
        ...budget,
        sizeOf: this.entryBytes,
      },
    );
    // Listed under a watch the subscriber left since, a work has no entry, but the digest still delivers it.
    const whole = { ...assembled, workKeys: digest.workKeys };
    const period = digestPeriod(subscriber.frequency, new Date(digest.createdAt), subscriber.timezone);
    const label = period.key === digest.period ? period.label : digest.period;
    const owed = digest.notices.map((member) => ({ workKey: member.slice(0, member.lastIndexOf('|')), noticePmid: member.slice(member.lastIndexOf('|') + 1) }));
    return { email: this.renderEmail(subscriber, digest.id, label, whole, await this.noticesFor(owed)), assembled: whole };
  }

  private renderEmail(subscriber: Subscriber, id: string, periodLabel: string, assembled: AssembledDigest, notices: { render: DigestNotice }[]): RenderedEmail {
    const notShown = assembled.workKeys.length - assembled.shown;
    return renderDigest(
      {
        periodLabel,
        watchNames: subscriber.watches.map(this.watchName),
        totalWorks: assembled.workKeys.length,
        groups: assembled.groups,
        ...(notShown > 0 ? { more: { url: this.signedLinks().digestUrl(id), notShown, tooLarge: assembled.leftForSize ?? 0 } } : {}),
        notices: notices.map((n) => n.render),
        links: this.links(subscriber.id),
      },
      this.renderEntry,
    );
  }

  /** These owed notices, on works that still exist, ready to render. */
  private async noticesFor(owed: readonly { workKey: string; noticePmid: string }[]): Promise<{ member: string; render: DigestNotice }[]> {
    const found: { member: string; render: DigestNotice }[] = [];
    for (const { workKey, noticePmid } of owed) {
      const [candidate] = await this.loader.forKeys([workKey]);
      const notice = candidate?.card.notices?.find((n) => n.noticePmid === noticePmid);
      if (!candidate || !notice) continue;
      found.push({
        member: `${workKey}|${noticePmid}`,
        render: { title: candidate.card.article.title, notice: noticeLine(notice), url: sourceUrl(candidate.card.article) },
      });
    }
    return found;
  }

  links(subscriberId: string): SubscriberLinks {
    const made = this.signedLinks();
    return { preferences: made.preferencesUrl(subscriberId, this.now.getTime()), unsubscribe: made.unsubscribeUrl(subscriberId) };
  }

  private signedLinks(): Links {
    const tokens = this.services.tokens;
    if (!tokens) throw new Error('LITWATCH_SECRET is not set: digests carry signed preference and unsubscribe links; set it (openssl rand -hex 32)');
    return links(this.services.env.LITWATCH_PUBLIC_URL, tokens);
  }
}
