// Progress for long work: a bar (cli-progress) on a TTY, plain "step" lines otherwise, silent with --quiet.
// Always on stderr, so stdout stays clean for --json.
import { createRequire } from 'node:module';
import type cliProgressTypes from 'cli-progress';

// cli-progress (a CommonJS package) is loaded only when a bar is drawn: most commands never draw one,
// and its load is a measurable part of a short command's start-up (bench/gap.bench.ts).
const require = createRequire(import.meta.url);
const loadBar = (): typeof cliProgressTypes => require('cli-progress') as typeof cliProgressTypes;

export interface Progress {
  step(message: string): void;
  start(total: number, message: string): void;
  update(value: number, message?: string): void;
  done(message?: string): void;
}

export interface ProgressOptions {
  quiet?: boolean;
  tty?: boolean;
  /** Where the bar goes (stderr; a test gives its own). */
  stream?: NodeJS.WriteStream;
}

/** A bar for a known total; for an unknown one (total 0: no earlier build to count from) a counter, never "0/0". */
function barFormat(total: number): string {
  return total > 0 ? '{bar} {percentage}% | {value}/{total} | {msg}' : '{value} done | {duration_formatted} | {msg}';
}

export function makeProgress(opts: ProgressOptions = {}): Progress {
  if (opts.quiet) return { step() {}, start() {}, update() {}, done() {} };
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? Boolean(stream.isTTY);
  if (!tty) {
    return {
      step: (m) => stream.write(`kdk: ${m}\n`),
      start: (_t, m) => stream.write(`kdk: ${m}\n`),
      update: (_v, m) => {
        if (m) stream.write(`kdk: ${m}\n`);
      },
      done: (m) => {
        if (m) stream.write(`kdk: ${m}\n`);
      },
    };
  }
  let bar: cliProgressTypes.SingleBar | undefined;
  return {
    step: (m) => stream.write(`kdk: ${m}\n`),
    start(total, message) {
      const cliProgress = loadBar();
      bar = new cliProgress.SingleBar(
        { stream, format: barFormat(total), hideCursor: true, noTTYOutput: true, etaBuffer: 20 },
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
      if (message) stream.write(`kdk: ${message}\n`);
    },
  };
}
