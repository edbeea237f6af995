import { createHash } from 'node:crypto';
import type { RateCounters } from '../store/rate-counters.ts';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Sign-up POSTs per client network per hour: room for a lab behind one NAT, not for a script.
 * A network is an IPv4 address or an IPv6 /64 (what one host is given), see client-network.ts.
 */
export const POSTS_PER_NETWORK_PER_HOUR = 20;

/**
 * Confirmation emails per mailbox per rolling 24 hours, however they were asked for: enough for a
 * reader who mistyped or lost one, too few to flood anyone's inbox from the form.
 */
export const CONFIRMATIONS_PER_ADDRESS_PER_DAY = 5;

/**
 * The sign-up limits, counted in Redis (RateCounters) so every process and every restart sees
 * the same counts.
 */
export class SignupLimits {
  constructor(private readonly counters: RateCounters) {}

  /** Counts one sign-up POST from `network`; refused past the hourly limit, with when to retry. */
  async takePost(network: string): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const { count, resetInMs } = await this.counters.count('signup-network', network, HOUR_MS);
    return { allowed: count <= POSTS_PER_NETWORK_PER_HOUR, retryAfterMs: resetInMs };
  }

  /** True when `email`'s mailbox had all its confirmation emails for today (nothing is counted). */
  async exhausted(email: string): Promise<boolean> {
    return (await this.counters.admitted('confirmations', mailboxKey(email), DAY_MS)) >= CONFIRMATIONS_PER_ADDRESS_PER_DAY;
  }

  /**
   * Takes one of the mailbox's confirmation emails for `requestId`; false when none is left. The
   * same request takes the same one again (a retried send job), never a second.
   */
  takeConfirmation(email: string, requestId: string): Promise<boolean> {
    return this.counters.admit('confirmations', mailboxKey(email), requestId, CONFIRMATIONS_PER_ADDRESS_PER_DAY, DAY_MS);
  }
}

/** Providers that ignore dots in the local part: `j.doe@gmail.com` reaches `jdoe@gmail.com`. */
const DOTLESS_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * One key per mailbox, whatever spelling reaches it: case and `+tags` are ignored (`Victim+1@`
 * and `victim+2@` are one inbox), and dots where the provider ignores them. Hashed, so the
 * addresses are not listed in Redis in clear.
 */
export function mailboxKey(email: string): string {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  let local = at > 0 ? address.slice(0, at) : address;
  const domain = at > 0 ? address.slice(at + 1) : '';
  local = local.split('+')[0] || local;
  if (DOTLESS_DOMAINS.has(domain)) local = local.replaceAll('.', '');
  return createHash('sha256')
    .update(`${local}@${domain === 'googlemail.com' ? 'gmail.com' : domain}`)
    .digest('hex')
    .slice(0, 32);
}
