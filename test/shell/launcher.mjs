#!/usr/bin/env node
// Starts the interactive shell from the built files (dist/), for end-to-end tests in a real
// pseudo-terminal until bin/redscope.js opens it on a TTY.
import { runShell } from '../../dist/shell/index.js';

const code = await runShell({ version: 'redscope e2e' });
process.exit(code);
