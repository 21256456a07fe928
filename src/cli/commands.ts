// The list of command groups. Each stage's CLI file exports one register function; add yours here.
import type { Command } from 'commander';
import { registerReport } from './report.js';
import { registerConfig } from './config.js';
import { registerImage } from './image.js';
import { registerBoot } from './boot.js';

export function registerCommands(program: Command): void {
  registerConfig(program);
  registerReport(program);
  registerImage(program);
  registerBoot(program);
  // Command groups register here as the stages land (config, report, gap, image/boot/run/repro, flavour, plan).
}
