// Progress for long work: a bar (cli-progress) on a TTY, plain "step" lines otherwise, silent with --quiet.
// Always on stderr, so stdout stays clean for --json.
import cliProgress from 'cli-progress';

export interface Progress {
  step(message: string): void;
  start(total: number, message: string): void;
  update(value: number, message?: string): void;
  done(message?: string): void;
}

export function makeProgress(opts: { quiet?: boolean; tty?: boolean } = {}): Progress {
  if (opts.quiet) return { step() {}, start() {}, update() {}, done() {} };
  const tty = opts.tty ?? Boolean(process.stderr.isTTY);
  if (!tty) {
    return {
      step: (m) => process.stderr.write(`kdk: ${m}\n`),
      start: (_t, m) => process.stderr.write(`kdk: ${m}\n`),
      update: (_v, m) => {
        if (m) process.stderr.write(`kdk: ${m}\n`);
      },
      done: (m) => {
        if (m) process.stderr.write(`kdk: ${m}\n`);
      },
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  return {
    step: (m) => process.stderr.write(`kdk: ${m}\n`),
    start(total, message) {
      bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: '{bar} {percentage}% | {value}/{total} | {msg}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { msg: message });
    },
    update(value, message) {
      bar?.update(value, message ? { msg: message } : undefined);
    },
    done(message) {
      bar?.stop();
      bar = undefined;
      if (message) process.stderr.write(`kdk: ${message}\n`);
    },
  };
}
