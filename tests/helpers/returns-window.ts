/**
 * The shipped playbooks await returned letters for 30 days after the last letter before the sign-off is
 * asked for (`timers.returnsWindow`, 468.6-2a/b; docs/lifecycle.md "Duties"). A test that drives a case
 * through notification to closure on a real server cannot wait that long, and one on the time-skipping
 * server would stand still while it polls: their fixture playbook leaves the window out, as the
 * playbooks did before it was set. The tests of the window set it themselves (tests/workflows/duties.test.ts).
 */
export function withoutReturnsWindow<T>(playbook: T): T {
  const timers = (playbook as { timers?: Record<string, unknown> }).timers;
  if (!timers) return playbook;
  const { returnsWindow: _window, ...rest } = timers;
  return { ...playbook, timers: rest };
}
