/** `npm start` as a child process on free ports and a temporary data folder (scripts/local/start-child.ts). */
export { READY_LINE, reportToUsCert, startNpmStart, type NpmStart } from '../../scripts/local/start-child.js';
