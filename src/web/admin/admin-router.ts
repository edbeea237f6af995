import express, { type Express, type Router } from 'express';
import type { Services } from '../../services.ts';
import { errorHandler } from '../error-pages.ts';
import { securityHeaders } from '../security-headers.ts';
import { adminAccess, basicAuth, type AdminCredentials } from './admin-auth.ts';
import { adminPolicy, bullBoardPolicy } from './admin-headers.ts';
import { ADMIN_PATH } from './admin-paths.ts';
import { bullBoard } from './bull-board.ts';
import { LoginThrottle, type LoginThrottleOptions } from './login-throttle.ts';
import { cardsRouter } from './cards-page.ts';
import { refuseCrossSiteWrites } from './cross-site.ts';
import { overviewRouter } from './overview-page.ts';
import { subscribersRouter } from './subscribers-page.ts';

/**
 * Mounts /admin when its credentials are configured. Without them nothing is mounted (the
 * public app answers 404 there, as for any unknown page) and the log says why, once.
 */
export function mountAdmin(app: Express, services: Services, throttle: Partial<LoginThrottleOptions> = {}): void {
  const access = adminAccess(services.env);
  if (!access.enabled) {
    services.log.warn({ event: 'admin.disabled' }, `admin pages are off: ${access.reason}`);
    return;
  }
  app.use(ADMIN_PATH, adminRouter(services, access.credentials, new LoginThrottle(services.rateCounters, throttle)));
}

function adminRouter(services: Services, credentials: AdminCredentials, throttle: LoginThrottle): Router {
  const router = express.Router();
  // Auth before anything else, bull-board included.
  router.use(basicAuth(credentials, throttle), refuseCrossSiteWrites, securityHeaders);
  router.use('/queues', bullBoardPolicy, bullBoard(services));
  router.use(adminPolicy, overviewRouter(services), subscribersRouter(services), cardsRouter(services));
  router.use(errorHandler(services.log.child({ component: 'admin' })));
  return router;
}
