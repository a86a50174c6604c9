import type { Command } from "../command.js";
import { estimateCommand } from "./estimate.js";
import { gpusCommand } from "./gpus.js";

/** Every `vramfit` subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [estimateCommand, gpusCommand];
