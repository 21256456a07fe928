// The queue stage's API: builds, boots, runs and reproducers as jobs on PostgreSQL through pg-boss (the store's
// database), pulled by `kdk worker`s that advertise what they can run; artifacts by sha256 in a shared directory
// or on `kdk serve` (docs/queue.md).
export { connectQueue, queueUrl, type QueueConn } from './connect.js';
export { KINDS, JobSpec, jobKey, jobIdOf, queueOf, jobTimeoutS, type JobKind } from './kinds.js';
export { submitJob, SUBMIT_DEFAULTS, type SubmitOptions, type Submitted } from './submit.js';
export {
  listJobs,
  getJob,
  cancelJob,
  checkId,
  resolveJobId,
  FINAL_STATES,
  type JobRow,
  type Attempt,
  type JobState,
} from './list.js';
export { ArtifactDir, openArtifacts, type ArtifactStore } from './artifacts.js';
export { ArtifactServer } from './artifacts-http.js';
export { packDir } from './tar.js';
export { runWorker, Worker, WORKER_DEFAULTS, type WorkerOptions } from './worker.js';
export { workerCaps, queuesFor, type WorkerCaps } from './caps.js';
export { InfraError } from './infra-error.js';
export { startDistccd, type DistccdOptions } from './distccd.js';
