/** `npm run breach -- <command>`: the command-line client (scripts/cli/main.ts). */
import { createContext } from './cli/context.js';
import { runCli } from './cli/main.js';

process.exitCode = await runCli(process.argv.slice(2), createContext());
