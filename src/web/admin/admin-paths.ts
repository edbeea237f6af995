/** Where the admin pages live: web-server.ts mounts them here, and every admin link starts here. */
export const ADMIN_PATH = '/admin';

export const adminLinks = {
  overview: ADMIN_PATH,
  queues: `${ADMIN_PATH}/queues`,
  /** bull-board's page for one queue. */
  queue: (name: string) => `${ADMIN_PATH}/queues/queue/${encodeURIComponent(name)}`,
  subscribers: `${ADMIN_PATH}/subscribers`,
  subscriber: (id: string) => `${ADMIN_PATH}/subscribers#subscriber-${id}`,
  cards: `${ADMIN_PATH}/cards`,
  /** Work keys are DOIs, which contain `/`: encoded, the key stays one path segment. */
  card: (key: string) => `${ADMIN_PATH}/cards/${encodeURIComponent(key)}`,
} as const;
