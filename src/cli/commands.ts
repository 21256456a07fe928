// The list of command groups. Each stage's CLI file exports one register function; add yours here.
// The modules are loaded on demand: `kdk gap cves` imports only src/cli/gap.ts and what it needs, not
// every stage (loading all of them was most of a short command's start-up: bench/gap.bench.ts).
import type { Command } from 'commander';

type Register = (program: Command) => void;

/** Top-level command name → the register function of its module. */
const GROUPS: Record<string, () => Promise<Register>> = {
  config: async () => (await import('./config.js')).registerConfig,
  flavour: async () => (await import('./flavour.js')).registerFlavour,
  syzbot: async () => (await import('./syzbot.js')).registerSyzbot,
  plan: async () => (await import('./plan.js')).registerPlan,
  build: async () => (await import('./build.js')).registerBuild,
  abi: async () => (await import('./abi.js')).registerAbi,
  oot: async () => (await import('./oot.js')).registerOot,
  image: async () => (await import('./image.js')).registerImage,
  boot: async () => (await import('./boot.js')).registerBoot,
  report: async () => (await import('./report.js')).registerReport,
  gap: async () => (await import('./gap.js')).registerGap,
  publish: async () => (await import('./publish.js')).registerPublish,
  sign: async () => (await import('./publish.js')).registerSign,
  store: async () => (await import('./store.js')).registerStore,
  triage: async () => (await import('./triage.js')).registerTriage,
  serve: async () => (await import('./serve.js')).registerServe,
  queue: async () => (await import('./queue.js')).registerQueue,
  sweep: async () => (await import('./sweep.js')).registerSweep,
};

/**
 * Register the command named by `argv` alone when it is one of ours; otherwise (no command, `--help`,
 * `help`, a mistyped name that needs suggestions) every group, in the order the help lists them.
 */
export async function registerCommands(program: Command, argv?: string[]): Promise<void> {
  const first = argv?.slice(2).find((a) => !a.startsWith('-'));
  const wanted = first !== undefined && Object.hasOwn(GROUPS, first) ? [first] : Object.keys(GROUPS);
  const registers = await Promise.all(wanted.map((name) => GROUPS[name]()));
  for (const register of registers) register(program);
}
