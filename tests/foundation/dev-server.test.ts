import { afterAll, beforeAll, expect, test } from 'vitest';
import { registerSearchAttributes } from '../../client/search-attributes.js';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes.js';
import { startDevServer, type TestWorkflowEnvironment } from '../helpers/index.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startDevServer();
});
afterAll(async () => {
  await env?.teardown();
});

test("the dev server starts with the contract's search attributes, and registering them again is harmless", async () => {
  const { customAttributes } = await env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
  expect(Object.keys(customAttributes ?? {})).toEqual(
    expect.arrayContaining([
      'BreachPhase',
      'BreachMedium',
      'BreachRisk',
      'BreachReportingDeadline',
      'BreachReportedLate',
      'BreachAwaitingRole',
      'BreachMajorIncident',
    ]),
  );
  const again = await registerSearchAttributes(env.connection, 'default');
  expect(again.added).toEqual([]);
  expect(again.existing).toHaveLength(SEARCH_ATTRIBUTES.length);
});
