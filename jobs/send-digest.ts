import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { shrinkForSize } from '../src/digest/shrink-digest.ts';
import { classifySmtpError } from '../src/mail/smtp-failure.ts';
import type { JobContext } from '../src/queue/job-module.ts';
import { redactAddresses } from '../src/text/redact-addresses.ts';
import { links } from '../src/web/links.ts';

/**
 * Send one stored digest: only SMTP here. The status lock (pending/failed -> sending -> sent)
 * makes a duplicated or retried job send nothing twice; the Message-ID is derived from the
 * digest id, so even a send repeated after a crash mid-delivery is recognisable downstream. A
 * failed send is retried with backoff; after the last attempt the digest stays `failed`
 * (visible) and its works go back into the next digest. A refusal for its size is never met by
 * sending the same message again: the digest is rebuilt without its largest entries, stored,
 * and sent (those works stay in it, on its web page).
 */
export const name = 'send-digest';
export const queue = 'mail';

/**
 * Size refusals one send survives: the first rebuilds the email without its largest entry, each
 * later one at most half as large (src/digest/shrink-digest.ts); a server refusing even that is
 * refused for good, like any other 5xx.
 */
const MAX_SIZE_REFUSALS = 4;

export const payloadSchema = z.object({ digestId: z.string().min(1) });
export type Payload = z.infer<typeof payloadSchema>;

export async function process(payload: Payload, ctx: JobContext): Promise<{ status: string; delivered?: string }> {
  const { services, log, job } = ctx;
  const digest = await services.digests.get(payload.digestId);
  if (!digest) throw new UnrecoverableError(`digest ${payload.digestId} does not exist`);
  const lock = await services.digests.lockForSending(digest.id);
  if (lock === 'done') return { status: 'already-sent' };
  if (lock === 'busy') throw new Error(`digest ${digest.id} is being sent by another worker; will check again`);
  const subscriber = await services.subscribers.get(digest.subscriberId);
  if (!subscriber || subscriber.status !== 'active') {
    await services.digests.cancel(digest, `subscriber ${subscriber ? subscriber.status : 'removed'}`);
    return { status: 'cancelled' };
  }
  const unsubscribe = links(services.env.LITWATCH_PUBLIC_URL, requireTokens(ctx)).unsubscribeUrl(subscriber.id);
  let body = { html: digest.html, text: digest.text };
  for (let sizeRefusals = 0; ; sizeRefusals++) {
    try {
      const result = await services.mail().send({
        to: subscriber.email,
        from: fromAddress(services.env.LITWATCH_PUBLIC_URL),
        subject: digest.subject,
        ...body,
        messageId: messageId(digest.id, services.env.LITWATCH_PUBLIC_URL),
        // RFC 8058 one-click unsubscribe; RFC 2369 List-Unsubscribe.
        headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
      await services.digests.markSent(digest);
      await services.subscribers.clearBounces(subscriber.id);
      await services.metrics.add('digests_sent_total');
      log.info(
        { event: 'digest.sent', digestId: digest.id, subscriberId: subscriber.id, works: digest.workKeys.length, delivered: result.delivered },
        'digest sent',
      );
      return { status: 'sent', delivered: result.delivered };
    } catch (err) {
      const failure = classifySmtpError(err);
      // SMTP errors quote the recipient: keep addresses out of the store, the logs and BullMQ's failed-job record.
      const reason = redactAddresses(err instanceof Error ? err.message : String(err));
      if (failure === 'too-large' && sizeRefusals < MAX_SIZE_REFUSALS) {
        // The first refusal takes out the entry that made it too large; a second, half of what is left.
        const smaller = await shrinkForSize(services, subscriber, { ...digest, ...body }, sizeRefusals > 0);
        if (smaller) {
          // Stored before it is sent: a retry after a crash sends the smaller one, never the refused one.
          if (!(await services.digests.replaceBody(digest.id, smaller.email)))
            throw new Error(`digest ${digest.id} is no longer ours to send; will check again`);
          body = { html: smaller.email.html, text: smaller.email.text };
          log.warn(
            {
              event: 'digest.rebuilt_for_size',
              digestId: digest.id,
              reason,
              refusedBytes: smaller.refusedBytes,
              bytes: smaller.bytes,
              leftOut: smaller.left.map((entry) => ({ workKey: entry.key, bytes: entry.bytes })),
            },
            `the mail server refused the digest for its size: rebuilt without its ${smaller.left.length} largest entries (on its web page only), sending again`,
          );
          continue;
        }
      }
      // A 5xx is final at once (retrying cannot change the answer); anything else until the last attempt.
      const final = failure !== 'temporary' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await services.digests.markFailed(digest, reason, final);
      if (final) await services.metrics.add('digests_failed_total');
      log.warn(
        { event: final ? 'digest.failed' : 'digest.send_retry', digestId: digest.id, failure, reason },
        final ? 'digest could not be sent; its works go into the next digest' : 'send failed; will retry',
      );
      if (failure === 'bounce') await recordBounce(ctx, subscriber.id);
      throw failure === 'temporary' ? new Error(reason) : new UnrecoverableError(reason);
    }
  }
}

/** One more refusal of the address; at mail.bounceLimit the subscriber is marked bouncing (said once, with a stable event). */
async function recordBounce(ctx: JobContext, subscriberId: string): Promise<void> {
  const limit = ctx.services.config().mail.bounceLimit;
  const counted = await ctx.services.subscribers.recordBounce(subscriberId, limit);
  if (counted?.status === 'bouncing' && counted.bounces === limit) {
    ctx.log.warn(
      { event: 'subscriber.bouncing', subscriberId, bounces: counted.bounces },
      `the mail server refused this subscriber's address ${limit} times in a row: marked bouncing, nothing more is sent to it`,
    );
  }
}

function requireTokens(ctx: JobContext) {
  if (!ctx.services.tokens) throw new UnrecoverableError('LITWATCH_SECRET is not set: digests need signed unsubscribe links');
  return ctx.services.tokens;
}

/** `<dg-…@litwatch.example.org>`: the same for every attempt at the same digest. */
export function messageId(digestId: string, publicUrl: string): string {
  return `<${digestId}@${new URL(publicUrl).hostname}>`;
}

export function fromAddress(publicUrl: string): string {
  return `litwatch <litwatch@${new URL(publicUrl).hostname}>`;
}
