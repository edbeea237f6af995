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
 * out largest first until the email is at most half the refused one (the server's limit is not
 * known; halving gets under any limit in a few tries, and the entry that made it too large is
 * the first to go). Works taken out stay in the digest, so they are delivered through the
 * "Read all N on the web" link and never offered to the reader again; the email says how many.
 * Undefined when no smaller email can be made (no entry left to take out): the refusal stands.
 *
 * Nothing is remembered between tries: each starts from the stored (last refused) body, so a
 * message is never sent again as it was refused.
 */
export async function shrinkForSize(services: Services, subscriber: Subscriber, digest: Digest): Promise<ShrunkDigest | undefined> {
  const refusedBytes = emailBytes(digest);
  const run = new DigestRun(services, services.now());
  const omit = new Set<string>();
  const left: ShrunkDigest['left'] = [];
  let rebuilt = await run.rebuild(subscriber, digest, { maxBytes: ENTRY_BUDGET_BYTES, omit });
  while (emailBytes(rebuilt.email) > refusedBytes / 2) {
    const entries = rebuilt.assembled.entryBytes ?? [];
    const largest = entries.reduce<(typeof entries)[number] | undefined>((big, entry) => (big && big.bytes >= entry.bytes ? big : entry), undefined);
    if (!largest) break;
    omit.add(largest.key);
    left.push(largest);
    rebuilt = await run.rebuild(subscriber, digest, { maxBytes: ENTRY_BUDGET_BYTES, omit });
  }
  const bytes = emailBytes(rebuilt.email);
  return bytes < refusedBytes ? { email: rebuilt.email, left, refusedBytes, bytes } : undefined;
}
