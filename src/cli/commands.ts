/** The subcommands of `kubecure`, in the order `--help` lists them. */
import type { CliCommand } from './io.js';
import { diagnoseCommand } from './diagnose.js';
import { correlateCommand } from './correlate.js';
import { reportCommand } from './report.js';
import { configCommand } from './config.js';
import { doctorCommand } from './doctor.js';

export const commands: CliCommand[] = [diagnoseCommand, reportCommand, correlateCommand, configCommand, doctorCommand];
