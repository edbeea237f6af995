import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { RequestHandler } from 'express';
import { QUEUE_NAMES } from '../../queue/queue-names.ts';
import type { Services } from '../../services.ts';
import { adminLinks } from './admin-paths.ts';

/**
 * bull-board over every litwatch queue: jobs by state, failures with their stack, retry and
 * clean. Its page finds its assets and API from the base path, so it must be mounted there.
 * With DASHBOARD_READ_ONLY, every queue is in bull-board's `readOnlyMode`: the UI hides the
 * actions and its API answers 405 to them (retry, clean, pause, promote, remove, add).
 */
export function bullBoard(services: Services): RequestHandler {
  const serverAdapter = new ExpressAdapter().setBasePath(adminLinks.queues);
  createBullBoard({
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(services.queues[name], { readOnlyMode: services.env.DASHBOARD_READ_ONLY })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'litwatch queues', miscLinks: [{ text: 'litwatch overview', url: adminLinks.overview }] } },
  });
  return serverAdapter.getRouter() as RequestHandler;
}
