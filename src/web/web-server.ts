import { createServer, type RequestListener, type Server } from 'node:http';
import express from 'express';
import * as sendConfirmation from '../../jobs/send-confirmation.ts';
import { syncDigestSchedulers } from '../queue/sync-digest-schedulers.ts';
import type { Services } from '../services.ts';
import { SignupLimits } from '../subscribers/signup-limits.ts';
import { mountAdmin } from './admin/admin-router.ts';
import type { LoginThrottleOptions } from './admin/login-throttle.ts';
import { createWebApp } from './app.ts';
import { digestPageRouter } from './digest-page.ts';
import { feedRouter, type FeedOptions } from './feed-routes.ts';
import { healthRouter } from './health-routes.ts';
import { metricsRouter } from './metrics.ts';
import { securityHeaders } from './security-headers.ts';
import { workRouter } from './work-routes.ts';

/**
 * litwatch's HTTP side, on PORT: /healthz and /metrics always; the admin pages when their
 * credentials are set; the public work pages, feeds and digest pages always; the subscription
 * pages when LITWATCH_SECRET is (they sign their links). Everything mounts on this parent app,
 * ahead of the public app's 404 page.
 */
export function createWebServer(
  services: Services,
  options: { loginThrottle?: Partial<LoginThrottleOptions>; feeds?: Partial<FeedOptions> } = {},
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Whose address a request comes from (the admin login throttle counts per address): see env.ts.
  app.set('trust proxy', services.env.TRUST_PROXY);
  // Every answer carries them, /healthz, /metrics and 404s included; pages that need a looser
  // Content-Security-Policy (the digest page, bull-board) set their own after this.
  app.use(securityHeaders);
  app.use(healthRouter(services), metricsRouter(services));
  mountAdmin(app, services, options.loginThrottle);
  app.use(workRouter(services), feedRouter(services, options.feeds), digestPageRouter(services));
  const { tokens } = services;
  if (!tokens) {
    services.log.warn(
      { event: 'web.subscriptions_disabled' },
      'LITWATCH_SECRET is not set: the subscription and digest pages are off (they sign their links); set it with `openssl rand -hex 32`',
    );
    app.use((_req, res) => void res.status(404).type('text/plain').send('Not found.'));
    return app;
  }
  // The address people are given is the site's root: it leads to what a visitor can do there.
  app.get('/', (_req, res) => res.redirect(302, '/subscribe'));
  app.use(
    createWebApp({
      subscribers: services.subscribers,
      tokens,
      signupLimits: new SignupLimits(services.rateCounters),
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

/**
 * The port, taken before anything else is opened: a second `litwatch start` on a busy port must
 * fail before it touches Redis (it used to rewrite the job schedulers first). Until `serve` hands
 * it the app, requests are answered 503.
 */
export async function reservePort(port: number, host?: string): Promise<{ server: Server; serve(app: RequestListener): void }> {
  let handler: RequestListener = (_req, res) => {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '5' }).end('litwatch is starting.\n');
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = () => {
      server.off('error', reject);
      resolve();
    };
    // HOST (127.0.0.1 unless set); every interface when none is given (tests).
    if (host === undefined) server.listen(port, listening);
    else server.listen(port, host, listening);
  });
  return {
    server,
    serve(app) {
      handler = app;
    },
  };
}

/** Listens on `host` (HOST: 127.0.0.1 unless set), or on every interface when none is given (tests). */
export function listen(app: express.Express, port: number, host?: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => (err ? reject(err) : resolve(server));
    const server = host === undefined ? app.listen(port, done) : app.listen(port, host, done);
  });
}
