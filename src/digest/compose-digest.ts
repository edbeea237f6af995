import { sourceUrl } from '../card/card-links.ts';
import { renderDigest } from '../mail/render-digest.ts';
import { renderDigestEntry } from '../mail/render-digest-entry.ts';
import { renderEmptyDigest } from '../mail/render-empty-digest.ts';
import type { CardParts, DigestNotice, RenderedEmail } from '../mail/render-types.ts';
import { noticeLine } from '../notices/work-notice.ts';
import type { Services } from '../services.ts';
import { digestId } from '../store/digest-store.ts';
import type { Subscriber } from '../store/subscriber-store.ts';
import { links, workPageUrl, type Links } from '../web/links.ts';
import { assembleDigest, type AssembledDigest, type DigestCandidate } from './assemble-digest.ts';
import { CandidateLoader, MAX_LOOKBACK_DAYS } from './candidate-loader.ts';
import { digestEntryView, type DigestEntryView } from './entry-view.ts';
import { digestPeriod, type DigestPeriod } from './digest-period.ts';

const DAY_MS = 86_400_000;

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

  /** The subscriber's digest for the current period, composed but not stored or sent. */
  async compose(subscriber: Subscriber): Promise<ComposedDigest> {
    const { services } = this;
    const settings = services.config().digest;
    this.stats.digests++;
    const period = digestPeriod(subscriber.frequency, this.now, subscriber.timezone);
    const since = Math.max(subscriber.createdAt - settings.backfillDays * DAY_MS, this.now.getTime() - MAX_LOOKBACK_DAYS * DAY_MS);
    const [candidates, sent, inFlight] = await Promise.all([
      this.loader.forWatches(subscriber.watches, since),
      services.subscribers.sent(subscriber.id),
      services.digests.inFlight(subscriber.id),
    ]);
    const assembled = assembleDigest(subscriber, candidates, new Set([...sent, ...inFlight]), this.watchNames, settings.maxItems, this.entryFor);
    const id = digestId(subscriber.id, period.key);
    const watchNames = subscriber.watches.map(this.watchName);
    const signed = this.signedLinks();
    const subscriberLinks = { preferences: signed.preferencesUrl(subscriber.id, this.now.getTime()), unsubscribe: signed.unsubscribeUrl(subscriber.id) };
    const notices = await this.owedNotices(subscriber.id);
    let email: RenderedEmail | undefined;
    if (assembled.workKeys.length > 0 || notices.length > 0) {
      const more = assembled.workKeys.length > assembled.shown;
      email = renderDigest(
        {
          periodLabel: period.label,
          watchNames,
          totalWorks: assembled.workKeys.length,
          groups: assembled.groups,
          ...(more ? { more: { url: signed.digestUrl(id) } } : {}),
          notices: notices.map((n) => n.render),
          links: subscriberLinks,
        },
        this.renderEntry,
      );
    } else if (subscriber.sendEmpty) {
      email = renderEmptyDigest({ periodLabel: period.label, watchNames, links: subscriberLinks });
    }
    return { id, period, assembled, notices: notices.map((n) => n.member), ...(email ? { email } : {}) };
  }

  /** Notices this subscriber is owed, on works that still exist, ready to render. */
  private async owedNotices(subscriberId: string): Promise<{ member: string; render: DigestNotice }[]> {
    const owed = await this.services.notices.owed(subscriberId);
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

  private signedLinks(): Links {
    const tokens = this.services.tokens;
    if (!tokens) throw new Error('LITWATCH_SECRET is not set: digests carry signed preference and unsubscribe links; set it (openssl rand -hex 32)');
    return links(this.services.env.LITWATCH_PUBLIC_URL, tokens);
  }
}
