import { z } from 'zod';
import { renderConfirm } from '../src/mail/render-confirm.ts';
import type { JobContext } from '../src/queue/job-module.ts';
import { SignupLimits } from '../src/subscribers/signup-limits.ts';
import { CONFIRM_LINK_HOURS, links } from '../src/web/links.ts';
import { fromAddress } from './send-digest.ts';

/**
 * The double opt-in email for a self-subscription. The job carries the request id only; the
 * address is read from the request, which expires by itself. An expired request sends nothing,
 * and neither does one past its mailbox's confirmation emails for the day (signup-limits.ts):
 * checked here, where every confirmation email is sent, whoever queued it.
 */
export const name = 'send-confirmation';
export const queue = 'mail';

export const payloadSchema = z.object({ requestId: z.string().min(1) });
export type Payload = z.infer<typeof payloadSchema>;

export async function process(payload: Payload, ctx: JobContext): Promise<{ status: string }> {
  const { services } = ctx;
  const request = await services.subscribers.getRequest(payload.requestId);
  if (!request) return { status: 'expired' };
  if (!services.tokens) throw new Error('LITWATCH_SECRET is not set');
  if (!(await new SignupLimits(services.rateCounters).takeConfirmation(request.email, request.id))) {
    ctx.log.warn({ event: 'subscribe.rate_limited', limit: 'address', requestId: request.id }, 'too many confirmation emails for one address today; none sent');
    return { status: 'limited' };
  }
  const names = new Map(services.config().watches.map((w) => [w.id, w.name]));
  const email = renderConfirm({
    confirmUrl: links(services.env.LITWATCH_PUBLIC_URL, services.tokens).confirmUrl(request.id, request.createdAt),
    watchNames: request.watches.map((w) => names.get(w) ?? w),
    frequency: request.frequency,
    expiresInHours: CONFIRM_LINK_HOURS,
  });
  await services.mail().send({
    to: request.email,
    from: fromAddress(services.env.LITWATCH_PUBLIC_URL),
    ...email,
    // One request, one message: a retried job sends the same Message-ID.
    messageId: `<${request.id}@${new URL(services.env.LITWATCH_PUBLIC_URL).hostname}>`,
  });
  ctx.log.info({ event: 'subscribe.confirmation_sent', requestId: request.id }, 'confirmation email sent');
  return { status: 'sent' };
}
