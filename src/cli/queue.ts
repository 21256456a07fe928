// `kdk submit`, `kdk jobs`, `kdk worker`: work as jobs on PostgreSQL (pg-boss), run by workers on other
// machines (docs/queue.md). The queue stage loads only when one of these runs (queue-actions.ts).
import type { Command } from 'commander';
import { addCommonOptions } from './common.js';
import { DEFAULT_GUEST_ARCH } from '../util/arch.js';

const DB = 'the queue and store: a postgres:// URL (default $KDK_DB)';
const ART =
  'artifact store every worker reaches, files by sha256: a directory or a kdk serve URL (default $KDK_ARTIFACTS)';
const TOKEN = "with --artifacts http://...: the file holding kdk serve's write token (default $KDK_TOKEN_FILE)";
// What the examples' $KDK_DB and $KDK_ARTIFACTS stand for (docs/queue.md, Deploying): a user sets them once.
const ENV =
  "\nThe examples read the team's queue and artifact directory from the environment, e.g.\n" +
  '  export KDK_DB=postgres://kdk@db.example/kdk KDK_ARTIFACTS=/srv/kdk-artifacts\n' +
  "(or KDK_ARTIFACTS=http://db.example:8080, kdk serve's upload API, with --token-file)\n";
const actions = () => import('./queue-actions.js');

function registerSubmit(program: Command): void {
  addCommonOptions(
    program
      .command('submit')
      .argument('<kind>', 'build | boot | run | repro')
      .description('queue a job and print its id; the same inputs again give the same job (its result reused)')
      .option('--db <url>', DB)
      .option('--artifacts <dir|url>', ART)
      .option('--token-file <file>', TOKEN)
      .option('--kernel <bzImage>', 'boot, run: the kernel image')
      .option('--kernel-name <name>', 'boot, run: the name the store files results under (default: the file name)')
      .option('--repro <file.c>', 'run: the reproducer (C source)')
      .option('--repeat <n>', 'run, repro: boots')
      .option('--bundle <dir>', 'repro: a bug bundle directory')
      .option('--flavour-dir <dir>', 'build: a flavour directory from kdk flavour --out')
      .option('--target <t>', 'build: make target(s)', 'bindeb-pkg')
      .option('--jobs <n>', 'build: parallel make jobs on the worker', '2')
      .option('--source-version <v>', 'build: another linux-source-6.1 version')
      .option('--arch <arch>', 'guest architecture, kernel or Debian name', DEFAULT_GUEST_ARCH)
      .option('--kvm', 'only a worker whose probe found KVM working may take it')
      .option('--append <args>', 'extra kernel command line')
      .option('--memory <MiB>', 'guest memory')
      .option('--timeout <s>', 'VM timeout per boot (build: the whole build)')
      .option('--job-timeout <s>', 'the job as a whole, after which it counts as lost and is retried')
      .option('--retries <n>', 'retries after infrastructure failures (backoff doubling from 2 s)', '3')
      .option('--wait', 'follow the job to its end with progress; exit as the job ended')
      .addHelpText(
        'after',
        `${ENV}Example (a kdk worker on that database takes the job):\n` +
          '  kdk submit run --db "$KDK_DB" --artifacts "$KDK_ARTIFACTS" \\\n' +
          '    --kernel fl/build/arch/x86/boot/bzImage --repro examples/bugs/lkdtm-warning/repro.c --repeat 3 --wait\n' +
          '\nExit (with --wait): 0 done and clean; 1 the kernel failed (crash, boot failure, build error) or the job\n' +
          'was cancelled; 2 bad input; 3 it failed after its retries (infrastructure) or no database.',
      ),
  ).action(async (kind: string, opts) => (await actions()).submitCommand(kind, opts));
}

function registerJobs(program: Command): void {
  const jobs = addCommonOptions(
    program
      .command('jobs')
      .description('list the queue: state, verdict, worker, attempts and timings of each job')
      .option('--db <url>', DB)
      .option('--watch', 'redraw as jobs move, until all have ended')
      .addHelpText('after', `${ENV}Examples:\n  kdk jobs --db "$KDK_DB" --watch\n  kdk jobs --db "$KDK_DB" --json`),
  ).action(async (opts) => (await actions()).jobsCommand(opts));
  addCommonOptions(
    jobs
      .command('cancel')
      .argument('<id>', 'a job id from kdk submit or kdk jobs')
      .option('--db <url>', DB)
      .description('cancel a waiting or running job (its worker stops it within a heartbeat)')
      .addHelpText(
        'after',
        `${ENV}Example (the id: what kdk submit prints, or the full id in kdk jobs --json):\n` +
          '  kdk jobs cancel "$(kdk submit boot --db "$KDK_DB" --artifacts "$KDK_ARTIFACTS" --kernel /vmlinuz)" --db "$KDK_DB"',
      ),
  ).action(async (id: string, _opts, cmd: Command) =>
    // `kdk jobs cancel ID --db URL`: the parent's --db takes the flag, so read both levels.
    (await actions()).cancelCommand(id, cmd.optsWithGlobals()),
  );
}

function registerWorker(program: Command): void {
  addCommonOptions(
    program
      .command('worker')
      .description('take jobs this machine can run (its arches, accelerator, kinds) until SIGTERM, which drains it')
      .option('--db <url>', DB)
      .option('--artifacts <dir|url>', ART)
      .option('--token-file <file>', TOKEN)
      .option('--kinds <list>', 'job kinds to take: build,boot,run,repro (default all)')
      .option('--slots <n>', 'jobs at once', '1')
      .option('--lease <s>', 'seconds without a heartbeat before others take this worker for lost', '30')
      .option('--poll <s>', 'seconds between polls when idle', '0.5')
      .option('--name <id>', 'worker id (default host-pid-random)')
      .option('--distccd <allow>', 'also serve distcc compiles to these clients (IP[/BITS]) for kdk build --distcc')
      .option('--distccd-port <port>', 'distccd port', '3632')
      .addHelpText(
        'after',
        `${ENV}Example:\n` +
          '  kdk worker --db "$KDK_DB" --artifacts "$KDK_ARTIFACTS" --kinds run,boot --slots 2\n' +
          '\nSIGTERM: finish the running jobs, take no more, exit 0. A second SIGTERM hands them back to the queue.',
      ),
  ).action(async (opts) => (await actions()).workerCommand(opts));
}

export function registerQueue(program: Command): void {
  registerSubmit(program);
  registerJobs(program);
  registerWorker(program);
}
