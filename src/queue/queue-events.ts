import { QueueEvents } from 'bullmq';
import type { Services } from '../services.ts';
import type { QueueName } from './queue-names.ts';

export interface OpenQueueEvents {
  events: QueueEvents;
  close(): Promise<void>;
}

/**
 * QueueEvents for waiting on jobs, on a connection of its own (it blocks on XREAD). BullMQ does
 * not close a connection it was handed, and an open one keeps the process alive, so `close()`
 * here closes both.
 */
export async function openQueueEvents(services: Services, queue: QueueName): Promise<OpenQueueEvents> {
  const connection = services.queueConnection.duplicate();
  const events = new QueueEvents(services.queues[queue].name, { connection, prefix: services.prefix });
  await events.waitUntilReady();
  return {
    events,
    async close() {
      await events.close();
      connection.disconnect();
    },
  };
}
