/**
 * `npm run bench -- sandbox|floor --cpu-prof DIR`: the workers that hold the incidents and the yardstick run
 * with Node's `--cpu-prof` (every thread: the main one and the SDK's workflow threads), and this reads
 * what they wrote. For each thread: where its CPU went while the workflows were started and brought to
 * their wait or their report (the samples outside that window are left out), in buckets by what the code is, frames of
 * the workflow bundle mapped to their sources through the bundle's inline source map (node:module
 * SourceMap), and the functions that took the most.
 */
import { readdir, readFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../config/index.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A window in microseconds of the monotonic clock V8's profiler and `process.hrtime` share. */
export interface Window {
  fromUs: number;
  toUs: number;
}

export const nowUs = (): number => Number(process.hrtime.bigint() / 1_000n);

export interface ThreadProfile {
  file: string;
  /** Milliseconds sampled in the window, idle left out. */
  busyMs: number;
  /** Self time by kind of code. */
  buckets: { name: string; ms: number }[];
  /** The same, Node's internals charged to the code that called them. */
  byCaller: { name: string; ms: number }[];
  top: { name: string; ms: number }[];
  /** This project's functions outside the sandbox (activities, codec), with everything they called. */
  projectInclusive: { name: string; ms: number }[];
}

const PROJECT = 'this project (activities, codec, worker)';

/** What a frame is, from its (mapped) source. The order matters: the first that matches. */
const BUCKETS: [string, (f: CallFrame, source: string, inBundle: boolean) => boolean][] = [
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['V8 and native code (program)', (f) => f.functionName === '(program)'],
  [
    'entering the sandbox (node:vm runInContext, its watchdog)',
    (f) => f.url === 'node:vm' || f.functionName === 'runInContext',
  ],
  [
    'SDK promise hook and stack capture (vm-shared.js)',
    (_f, s) => s.includes('@temporalio/worker/lib/workflow/vm-shared'),
  ],
  ['source-map lookups (for the promise hook)', (_f, s) => /node_modules\/source-map\//.test(s)],
  ['SDK workflow runtime, in the sandbox', (_f, s, bundled) => bundled && s.includes('node_modules')],
  ["this project's workflow code, in the sandbox", (_f, _s, bundled) => bundled],
  [
    'SDK worker and core bridge (Node side)',
    (_f, s) => s.includes('@temporalio/worker') || s.includes('@temporalio/core-bridge'),
  ],
  ['protobuf and gRPC', (_f, s) => /protobufjs|@grpc|@temporalio\/proto/.test(s)],
  ['nodemailer', (_f, s) => s.includes('nodemailer')],
  [PROJECT, (f) => f.url.includes(PROJECT_ROOT) && !f.url.includes('node_modules')],
  ['other libraries', (f) => f.url.includes('node_modules')],
  ['Node internals', (f) => f.url.startsWith('node:') || f.url === ''],
];

const sourceMaps = new Map<string, SourceMap | null>();

async function sourceMapOf(url: string): Promise<SourceMap | null> {
  if (!url.endsWith('.js') || !/bundle/.test(url)) return null;
  if (!sourceMaps.has(url)) {
    const text = await readFile(url.replace(/^file:\/\//, ''), 'utf8').catch(() => '');
    const inline = /\/\/# sourceMappingURL=data:application\/json;[^,]*base64,([A-Za-z0-9+/=]+)\s*$/.exec(text)?.[1];
    sourceMaps.set(
      url,
      inline ? new SourceMap(JSON.parse(Buffer.from(inline, 'base64').toString('utf8')) as never) : null,
    );
  }
  return sourceMaps.get(url)!;
}

async function sourceOf(frame: CallFrame): Promise<{ source: string; name: string; inBundle: boolean }> {
  const map = await sourceMapOf(frame.url);
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber) as
    { originalSource?: string; originalLine?: number } | undefined;
  const source = entry?.originalSource ?? frame.url;
  const where = entry?.originalSource
    ? `${source.replace(/^.*?(node_modules\/|webpack:\/\/[^/]*\/)/, '$1')}:${(entry.originalLine ?? 0) + 1}`
    : frame.url.replace(/^.*node_modules\//, '');
  return { source, name: `${frame.functionName || '(anonymous)'} ${where}`, inBundle: map !== null };
}

export async function readProfile(file: string, window: Window | undefined): Promise<ThreadProfile> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (window && (t < window.fromUs || t > window.toUs)) continue;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + delta);
  }
  const described = new Map<number, { bucket: string; name: string }>();
  const describe = async (id: number) => {
    if (!described.has(id)) {
      const frame = byId.get(id)!.callFrame;
      const { source, name, inBundle } = await sourceOf(frame);
      described.set(id, { bucket: BUCKETS.find(([, test]) => test(frame, source, inBundle))?.[0] ?? 'other', name });
    }
    return described.get(id)!;
  };
  const add = (m: Map<string, number>, key: string, us: number) => m.set(key, (m.get(key) ?? 0) + us);
  const buckets = new Map<string, number>();
  const byCaller = new Map<string, number>();
  const functions = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)' || frame.functionName === '(root)') continue;
    busy += us;
    const own = await describe(id);
    add(buckets, own.bucket, us);
    add(functions, own.name, us);
    // Node's own code (streams, sockets, timers) is charged to the nearest caller that is not; this
    // project's functions get the time of everything they called.
    let caller: string | undefined;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (byId.get(at)!.callFrame.functionName === '(root)') break;
      const d = await describe(at);
      if (!caller && d.bucket !== 'Node internals' && d.bucket !== 'other') caller = d.bucket;
      if (d.bucket === PROJECT && !seen.has(d.name)) {
        seen.add(d.name);
        add(inclusive, d.name, us);
      }
    }
    add(byCaller, caller ?? own.bucket, us);
  }
  const sorted = (m: Map<string, number>) =>
    [...m].map(([name, us]) => ({ name, ms: us / 1_000 })).sort((a, b) => b.ms - a.ms);
  return {
    file,
    busyMs: busy / 1_000,
    buckets: sorted(buckets),
    byCaller: sorted(byCaller),
    top: sorted(functions).slice(0, 12),
    projectInclusive: sorted(inclusive).slice(0, 12),
  };
}

/** Every profile in `dir`, busiest thread first. */
export async function readProfiles(dir: string, window: Window | undefined): Promise<ThreadProfile[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  const threads = await Promise.all(files.map((f) => readProfile(join(dir, f), window)));
  return threads.sort((a, b) => b.busyMs - a.busyMs);
}

/** The threads of one worker, per workflow (`count` of them), printed by `print`. */
export function printProfiles(
  label: string,
  threads: ThreadProfile[],
  count: number,
  print: (text: string) => void,
): void {
  const total = threads.reduce((sum, t) => sum + t.busyMs, 0);
  print(
    `  profile, ${label}: ${(total / count).toFixed(1)} ms of CPU sampled per workflow over ${threads.length} threads`,
  );
  for (const thread of threads.filter((t) => t.busyMs >= total * 0.05)) {
    print(`    thread ${thread.file.replace(/^.*\//, '')}: ${(thread.busyMs / count).toFixed(1)} ms per workflow`);
    const pct = (ms: number) => `${((100 * ms) / thread.busyMs).toFixed(0).padStart(3)} %`;
    print("      self time by kind of code, and (→) with Node's internals charged to their caller:");
    for (const b of thread.buckets.filter((x) => x.ms >= thread.busyMs * 0.02)) {
      print(`      ${pct(b.ms)} → ${pct(thread.byCaller.find((c) => c.name === b.name)?.ms ?? 0)}  ${b.name}`);
    }
    for (const c of thread.byCaller.filter(
      (x) =>
        x.ms >= thread.busyMs * 0.02 && !thread.buckets.some((b) => b.name === x.name && b.ms >= thread.busyMs * 0.02),
    ))
      print(`        0 % → ${pct(c.ms)}  ${c.name}`);
    print('      top functions (self time):');
    for (const f of thread.top.slice(0, 8)) print(`      ${pct(f.ms)}  ${f.name}`);
    if (thread.projectInclusive.length)
      print("      this project's functions outside the sandbox, with what they called:");
    for (const f of thread.projectInclusive.slice(0, 8)) print(`      ${pct(f.ms)}  ${f.name}`);
  }
}
