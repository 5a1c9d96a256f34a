import type { Command } from 'commander';
import type { Runtime } from '../action';
/** placeholder */
export function registerCycleCommands(_p: Command, _r: Runtime): void {}
