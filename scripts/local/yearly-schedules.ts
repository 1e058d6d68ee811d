/**
 * `npm start`'s one call for the yearly duties (client/schedules.ts): connects with the children's
 * settings (the same encryption keys, so the schedules' arguments are encrypted like every payload),
 * creates the schedules that are missing and prints one line. Running npm start again changes nothing.
 */
import { Client, Connection } from '@temporalio/client';
import type { Playbook } from '../../domain/playbook.js';
import { describeEnsure, ensureYearlySchedules } from '../../client/schedules.js';
import { dataConverterFromEnv } from '../../security/data-converter.js';

export async function ensureYearlySchedulesOnStart(input: {
  address: string;
  namespace: string;
  env: NodeJS.ProcessEnv;
  taskQueue: string;
  playbook: Playbook;
}): Promise<string> {
  let connection: Connection | undefined;
  try {
    const { dataConverter } = await dataConverterFromEnv(input.env);
    connection = await Connection.connect({ address: input.address, connectTimeout: 5_000 });
    const result = await ensureYearlySchedules(new Client({ connection, namespace: input.namespace, dataConverter }), {
      taskQueue: input.taskQueue,
      playbook: input.playbook,
    });
    const line = `Yearly duties (Temporal Schedules): ${describeEnsure(result)}.`;
    console.log(line);
    return line;
  } catch (err) {
    // A cluster that refuses schedules does not stop npm start: say what to run instead.
    const line = `Yearly duties: schedules not ensured (${err instanceof Error ? err.message : String(err)}); run \`npm run breach -- schedules ensure\``;
    console.warn(line);
    return line;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
