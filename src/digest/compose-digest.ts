import type { CardInput } from '../card/card-input.ts';
import { cardParts } from '../mail/render-card-parts.ts';
import { renderDigest } from '../mail/render-digest.ts';
import { renderEmptyDigest } from '../mail/render-empty-digest.ts';
import type { DigestNotice, RenderedEmail, SubscriberLinks } from '../mail/render-types.ts';
import { sourceUrl } from '../card/card-links.ts';
import { noticeLine } from '../notices/work-notice.ts';
import type { Services } from '../services.ts';
import { digestId } from '../store/digest-store.ts';
import type { Subscriber } from '../store/subscriber-store.ts';
import { links } from '../web/links.ts';
import { assembleDigest, type AssembledDigest } from './assemble-digest.ts';
import { CandidateLoader, MAX_LOOKBACK_DAYS } from './candidate-loader.ts';
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
 * Everything one digest run shares between subscribers: works read once, cards rendered once.
 * Card fragments are cached per card object, which the loader hands out once per work.
 */
export class DigestRun {
  readonly loader: CandidateLoader;
  private readonly parts = new WeakMap<CardInput, ReturnType<typeof cardParts>>();

  constructor(
    private readonly services: Services,
    readonly now: Date,
  ) {
    this.loader = new CandidateLoader(services);
  }

  renderCard = (card: CardInput) => {
    let rendered = this.parts.get(card);
    if (!rendered) {
      rendered = cardParts(card);
      this.parts.set(card, rendered);
    }
    return rendered;
  };

  /** The subscriber's digest for the current period, composed but not stored or sent. */
  async compose(subscriber: Subscriber): Promise<ComposedDigest> {
    const { services } = this;
    const settings = services.config().digest;
    const period = digestPeriod(subscriber.frequency, this.now, subscriber.timezone);
    const since = Math.max(subscriber.createdAt - settings.backfillDays * DAY_MS, this.now.getTime() - MAX_LOOKBACK_DAYS * DAY_MS);
    const [candidates, sent, inFlight] = await Promise.all([
      this.loader.forWatches(subscriber.watches, since),
      services.subscribers.sent(subscriber.id),
      services.digests.inFlight(subscriber.id),
    ]);
    const names = new Map(services.config().watches.map((w) => [w.id, w.name]));
    const assembled = assembleDigest(subscriber, candidates, new Set([...sent, ...inFlight]), names, settings.maxItems);
    const id = digestId(subscriber.id, period.key);
    const watchNames = subscriber.watches.map((w) => names.get(w) ?? w);
    const subscriberLinks = this.links(subscriber.id);
    const notices = await this.owedNotices(subscriber.id);
    let email: RenderedEmail | undefined;
    if (assembled.workKeys.length > 0 || notices.length > 0) {
      const more = assembled.workKeys.length - assembled.shown;
      email = renderDigest(
        {
          periodLabel: period.label,
          watchNames,
          totalWorks: assembled.workKeys.length,
          groups: assembled.groups,
          ...(more > 0 ? { more: { count: more, url: `${services.env.LITWATCH_PUBLIC_URL}/digests/${id}` } } : {}),
          notices: notices.map((n) => n.render),
          links: subscriberLinks,
        },
        this.renderCard,
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
      const [work, notices] = await Promise.all([this.services.works.get(workKey), this.services.notices.forWork(workKey)]);
      const notice = notices.find((n) => n.noticePmid === noticePmid);
      if (!work || !notice) continue;
      found.push({ member: `${workKey}|${noticePmid}`, render: { title: work.article.title, notice: noticeLine(notice), url: sourceUrl(work.article) } });
    }
    return found;
  }

  links(subscriberId: string): SubscriberLinks {
    const tokens = this.services.tokens;
    if (!tokens) throw new Error('LITWATCH_SECRET is not set: digests carry signed preference and unsubscribe links; set it (openssl rand -hex 32)');
    const made = links(this.services.env.LITWATCH_PUBLIC_URL, tokens);
    return { preferences: made.preferencesUrl(subscriberId, this.now.getTime()), unsubscribe: made.unsubscribeUrl(subscriberId) };
  }
}
