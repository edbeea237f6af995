import type { RenderedEmail } from '../mail/render-types.ts';
import type { Services } from '../services.ts';
import type { Digest } from '../store/digest-store.ts';
import type { Subscriber } from '../store/subscriber-store.ts';
import { DigestRun, ENTRY_BUDGET_BYTES } from './compose-digest.ts';

export interface ShrunkDigest {
  email: RenderedEmail;
  /** Entries taken out, largest first: their works stay in the digest, on its web page only. */
  left: { key: string; bytes: number }[];
  /** UTF-8 bytes of both parts, before and after. */
  refusedBytes: number;
  bytes: number;
}

const emailBytes = (email: { html: string; text: string }) => Buffer.byteLength(email.html) + Buffer.byteLength(email.text);

/**
 * A stored digest a mail server refused for its size, rebuilt smaller: its entries are taken
 * out largest first until the email is smaller than the refused one (`halve`: at most half of
 * it). The server's limit is not known: the first refusal takes out the entry that made the
 * message too large, which is the largest; a second one means the limit is lower still, and
 * halving gets under any limit in a few tries. Works taken out stay in the digest, so they are
 * delivered through the "Read all N on the web" link and never offered to the reader again;
 * the email says how many. Undefined when no smaller email can be made (no entry left).
 *
 * The refused email is the stored body, so even a try that starts afresh (after a crash) never
 * sends a message again as it was refused.
 */
export async function shrinkForSize(services: Services, subscriber: Subscriber, digest: Digest, halve: boolean): Promise<ShrunkDigest | undefined> {
  const refusedBytes = emailBytes(digest);
  const target = halve ? Math.floor(refusedBytes / 2) : refusedBytes - 1;
  const run = new DigestRun(services, services.now());
  const omit = new Set<string>();
  const left: ShrunkDigest['left'] = [];
  let rebuilt = await run.rebuild(subscriber, digest, { maxBytes: ENTRY_BUDGET_BYTES, omit });
  // At least the largest entry goes, whatever the sizes say: the email is the refused one again
  // but for what differs from one build to the next (a dated preferences link).
  do {
    const entries = rebuilt.assembled.entryBytes ?? [];
    const largest = entries.reduce<(typeof entries)[number] | undefined>((big, entry) => (big && big.bytes >= entry.bytes ? big : entry), undefined);
    if (!largest) break;
    omit.add(largest.key);
    left.push(largest);
    rebuilt = await run.rebuild(subscriber, digest, { maxBytes: ENTRY_BUDGET_BYTES, omit });
  } while (emailBytes(rebuilt.email) > target);
  const bytes = emailBytes(rebuilt.email);
  return bytes < refusedBytes ? { email: rebuilt.email, left, refusedBytes, bytes } : undefined;
}
