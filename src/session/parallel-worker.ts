/**
 * The worker thread of the parallel runner: runs the jobs it is sent, one at a time, and
 * answers each with its result (or the error it threw) under the job's index.
 */
import { parentPort } from 'node:worker_threads';
import { runJob, type RunJob } from './parallel-job.js';

/** A job sent to a worker. */
export interface JobMessage {
  index: number;
  job: RunJob;
}

/** A worker's answer. */
export type ResultMessage = { index: number; result: ReturnType<typeof runJob> } | { index: number; error: string };

const port = parentPort;
if (port !== null)
  port.on('message', ({ index, job }: JobMessage) => {
    let reply: ResultMessage;
    try {
      reply = { index, result: runJob(job) };
    } catch (e) {
      reply = { index, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    port.postMessage(reply);
  });
