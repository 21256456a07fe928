// The list of command groups. Each stage's CLI file exports one register function; add yours here.
import type { Command } from 'commander';
import { registerConfig } from './config.js';
import { registerFlavour } from './flavour.js';
import { registerSyzbot } from './syzbot.js';
import { registerPlan } from './plan.js';
import { registerBuild } from './build.js';
import { registerImage } from './image.js';
import { registerBoot } from './boot.js';
import { registerReport } from './report.js';
import { registerGap } from './gap.js';
import { registerPublish, registerSign } from './publish.js';
import { registerStore } from './store.js';
import { registerTriage } from './triage.js';
import { registerServe } from './serve.js';
import { registerQueue } from './queue.js';
import { registerAbi } from './abi.js';
import { registerOot } from './oot.js';
import { registerSweep } from './sweep.js';

export function registerCommands(program: Command): void {
  registerConfig(program);
  registerFlavour(program);
  registerSyzbot(program);
  registerPlan(program);
  registerBuild(program);
  registerAbi(program);
  registerOot(program);
  registerImage(program);
  registerBoot(program);
  registerReport(program);
  registerGap(program);
  registerPublish(program);
  registerSign(program);
  registerStore(program);
  registerTriage(program);
  registerServe(program);
  registerQueue(program);
  registerSweep(program);
}
