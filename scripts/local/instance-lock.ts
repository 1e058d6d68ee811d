/**
 * One `npm start` per data folder: a pid file in the data folder, taken atomically (`wx`). A pid file
 * whose process is gone (a crash, a reboot) is stale and taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface LockInfo {
  pid: number;
  startedAt: string;
  urls?: Record<string, string>;
}

export type LockResult =
  { ok: true; release: () => void; update: (info: Partial<LockInfo>) => void } | { ok: false; holder: LockInfo };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockFile(dataDir: string): string {
  return join(dataDir, 'npm-start.pid');
}

export function acquireInstanceLock(dataDir: string): LockResult {
  const file = lockFile(dataDir);
  const info: LockInfo = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      return {
        ok: true,
        update(more) {
          Object.assign(info, more);
          if (!released) writeFileSync(file, JSON.stringify(info));
        },
        release() {
          if (released) return;
          released = true;
          try {
            const current = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
            if (current.pid === process.pid) rmSync(file, { force: true });
          } catch {
            // Gone already.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: LockInfo | undefined;
      try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
      } catch {
        holder = undefined;
      }
      if (holder && holder.pid !== process.pid && alive(holder.pid)) return { ok: false, holder };
      rmSync(file, { force: true });
    }
  }
  throw new Error(`cannot take ${file}: remove it if no npm start is running`);
}
