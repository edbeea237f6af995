import type { Job } from 'bullmq';
import type { z } from 'zod';
import type { Logger } from '../log.ts';
import type { Services } from '../services.ts';
import type { QueueName } from './queue-names.ts';

/** What a processor gets besides its payload. */
export interface JobContext {
  job: Job;
  /** The worker's lock token, needed to move the job between states (waiting-children). */
  token?: string;
  /** A child logger carrying queue, job, jobId, attempt and watchId. */
  log: Logger;
  services: Services;
}

/**
 * One file per job under jobs/: the file name is the job name. The payload is validated inside
 * the worker; a payload that does not parse can never succeed, so it fails without retries.
 */
export interface JobModule<Schema extends z.ZodType = z.ZodType> {
  name: string;
  queue: QueueName;
  payloadSchema: Schema;
  process(payload: z.infer<Schema>, ctx: JobContext): Promise<unknown>;
  /**
   * Called when a try failed and BullMQ will try again after its backoff: what failed is known
   * now, not only minutes later when the tries run out.
   */
  onFailedTry?(payload: z.infer<Schema>, ctx: JobContext, err: Error, tries: { attempt: number; attempts: number }): Promise<void>;
  /** Called once when the job has failed for the last time (no retry left). */
  onFinalFailure?(payload: z.infer<Schema>, ctx: JobContext, err: Error): Promise<void>;
}
