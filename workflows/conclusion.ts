/**
 * Commands added as a workflow activation concludes, after every job and every condition it unblocked
 * has run: the incident's search attributes and case-list memo, once, with the state the activation ends
 * in (workflows/publisher.ts). Built into every workflow bundle as an interceptor module (workers/bundle.ts
 * `workflowBundlerOptions`, workers/worker.ts when a worker bundles the sources); the SDK's
 * `concludeActivation` interceptor is the one place that runs once per activation after the workflow's
 * code, where the publisher otherwise had to pass the SDK's conditions until nothing moved
 * (docs/performance.md "Published as the activation concludes").
 *
 * Module state of the workflow's own module scope, as workflows/since-marker.ts: one incident's.
 */
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';
import type { coresdk } from '@temporalio/proto';

export type WorkflowCommand = coresdk.workflow_commands.IWorkflowCommand;

let installed = false;
let concluder: (() => WorkflowCommand[]) | null = null;

/** Whether this bundle carries the interceptor (a bundle made without workers/bundle.ts's options would not). */
export function conclusionInstalled(): boolean {
  return installed;
}

/** The one source of commands at each activation's conclusion: the incident's publisher. */
export function atConclusion(commands: () => WorkflowCommand[]): void {
  concluder = commands;
}

/** Commands after which no other may follow in the same activation. */
function ends(command: WorkflowCommand): boolean {
  return Boolean(
    command.completeWorkflowExecution ??
    command.failWorkflowExecution ??
    command.continueAsNewWorkflowExecution ??
    command.cancelWorkflowExecution,
  );
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  installed = true;
  return {
    internals: [
      {
        concludeActivation(input, next) {
          const output = next(input);
          // A query's activation answers and changes nothing (the state is only read).
          if (!concluder || output.commands.some((c) => c.respondToQuery)) return output;
          const added = concluder();
          if (added.length === 0) return output;
          const end = output.commands.findIndex(ends);
          const commands =
            end < 0
              ? [...output.commands, ...added]
              : [...output.commands.slice(0, end), ...added, ...output.commands.slice(end)];
          return { commands };
        },
      },
    ],
  };
};
