import { condition, defineUpdate, setHandler, sleep } from '@temporalio/workflow';
export const u = defineUpdate<string, [string]>('u');
export async function waits(): Promise<string> {
  let got = '';
  setHandler(u, (x: string) => { got = x; return x; });
  void sleep(3600_000).then(() => undefined);
  await condition(() => got === 'never', '30 days');
  return 'x';
}
export async function timer(): Promise<string> {
  await sleep(24 * 3600_000);
  return 'slept';
}
