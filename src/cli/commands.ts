// The list of command groups. Each stage's CLI file exports one register function; add yours here.
import type { Command } from 'commander';
import { registerConfig } from './config.js';
import { registerFlavour } from './flavour.js';
import { registerSyzbot } from './syzbot.js';
import { registerPlan } from './plan.js';
import { registerBuild } from './build.js';

export function registerCommands(program: Command): void {
  registerConfig(program);
  // Command groups register here as the stages land (config, report, gap, image/boot/run/repro, flavour, plan).
  registerFlavour(program);
  registerSyzbot(program);
  registerPlan(program);
  registerBuild(program);
}
