/** The environment of an `npm start` child on its own ports and data folder (e2e and browser tests). */
export { npmStartEnv, type SystemPorts } from '../../scripts/local/start-child.js';
