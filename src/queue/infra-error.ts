// Failures of the machinery rather than of the kernel (an artifact missing from the share, a disk full, QEMU
// failing to start): the job is handed back and retried with backoff, up to its limit. Kernel failures (a build
// error, a crash, a boot failure) are results instead and never retried.
export class InfraError extends Error {
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'InfraError';
  }
}
