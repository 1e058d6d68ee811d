/** The bench's yardstick for starts: a workflow that does nothing (its worker is the bench's own). */
export async function benchEmptyWorkflow(): Promise<void> {}
