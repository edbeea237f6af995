import type { Server } from 'node:http';
import express from 'express';
import * as sendConfirmation from '../../jobs/send-confirmation.ts';
import { syncDigestSchedulers } from '../queue/sync-digest-schedulers.ts';
import type { Services } from '../services.ts';
import { createWebApp } from './app.ts';
import { digestPageRouter } from './digest-page.ts';

/**
 * litwatch's HTTP side: the public subscription pages and the digest pages, on PORT. Later
 * additions (health, metrics, admin) mount on this parent app, ahead of the public app and its
 * 404 page.
 */
export function createWebServer(services: Services): express.Express {
  const { tokens } = services;
  if (!tokens) throw new Error('LITWATCH_SECRET is not set: the subscription pages sign their links with it (openssl rand -hex 32)');
  const app = express();
  app.disable('x-powered-by');
  app.use(digestPageRouter(services));
  app.use(
    createWebApp({
      subscribers: services.subscribers,
      tokens,
      config: () => services.config(),
      publicUrl: services.env.LITWATCH_PUBLIC_URL,
      log: services.log.child({ component: 'web' }),
      async sendConfirmation(requestId) {
        await services.queues.mail.add(sendConfirmation.name, { requestId }, { jobId: `confirm-${requestId}` });
      },
      async subscribersChanged() {
        await syncDigestSchedulers(services.queues.digest, services.config().digest, await services.subscribers.list());
      },
    }),
  );
  return app;
}

export function listen(app: express.Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, (err?: Error) => (err ? reject(err) : resolve(server)));
  });
}
