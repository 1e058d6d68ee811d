/** `npm run breach -- <command>`: the command-line client (cli/main.ts). */
import { createContext } from './context.js';
import { runCli } from './main.js';

process.exitCode = await runCli(process.argv.slice(2), createContext());
