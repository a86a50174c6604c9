import type { Command } from "../command.js";
import { estimateCommand } from "./estimate.js";
import { gpusCommand } from "./gpus.js";
import { trainCommand } from "./train.js";

/** Every `vramfit` subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [estimateCommand, trainCommand, gpusCommand];
