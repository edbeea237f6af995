import type { Config } from '../config/load-config.ts';
import type { Logger } from '../log.ts';
import type { LinkTokens } from '../mail/link-tokens.ts';
import type { SubscriberStore } from '../store/subscriber-store.ts';
import type { SignupLimits } from '../subscribers/signup-limits.ts';
import { links, type Links } from './links.ts';

export interface WebDeps {
  subscribers: SubscriberStore;
  tokens: LinkTokens;
  /** Sign-ups per client network and confirmation emails per mailbox, counted in Redis. */
  signupLimits: SignupLimits;
  /** Read on every request, so a reloaded config shows at once. Only enabled watches are offered. */
  config(): Config;
  /** LITWATCH_PUBLIC_URL: links are built on it. */
  publicUrl: string;
  /** Called after a subscription request is stored: sends the confirmation email (queued elsewhere). */
  sendConfirmation(requestId: string): Promise<void>;
  /** Called after a subscriber's watches/frequency/timezone changed (digest schedules may need updating). */
  subscribersChanged?(): Promise<void>;
  log: Logger;
}

/** What the routers share: the deps, the signed links, and a change notice that cannot fail a page. */
export interface WebContext extends WebDeps {
  links: Links;
  /** Runs `subscribersChanged`; a failure is logged, since the subscriber's change is already saved. */
  announceChange(): Promise<void>;
}

export function webContext(deps: WebDeps): WebContext {
  const log = deps.log.child({ module: 'web' });
  return {
    ...deps,
    log,
    links: links(deps.publicUrl, deps.tokens),
    async announceChange() {
      try {
        await deps.subscribersChanged?.();
      } catch (err) {
        log.error(
          { err, event: 'web.subscribers_changed_failed' },
          'subscribersChanged failed; digest schedules may be stale until the next change or restart',
        );
      }
    },
  };
}
