// Types of scripts/install/chromium.mjs (plain JavaScript so that it runs inside `npm install` without tsx).
export interface FoundChromium {
  path: string;
  source: string;
  version: string;
  tried: string[];
}
export interface NoChromium {
  path: undefined;
  tried: string[];
}
export const PATH_NAMES: string[];
export function fixCommand(env?: NodeJS.ProcessEnv, uid?: number): string;
export function missingChromiumLine(env?: NodeJS.ProcessEnv, uid?: number): string;
export function onPath(name: string, env?: NodeJS.ProcessEnv): string | undefined;
export function versionOf(path: string, env?: NodeJS.ProcessEnv): string | undefined;
export function playwrightChromiumPath(env?: NodeJS.ProcessEnv): string | undefined;
export function findChromium(env?: NodeJS.ProcessEnv): Promise<FoundChromium | NoChromium>;
export function aptRunner(env?: NodeJS.ProcessEnv, uid?: number): { argv: string[] } | { why: string };
export function provisionChromium(options?: {
  env?: NodeJS.ProcessEnv;
  uid?: number;
  say?: (line: string) => void;
}): Promise<FoundChromium | NoChromium>;
