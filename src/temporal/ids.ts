/**
 * Workflow ids are business ids, readable in Temporal UI, and the only guard needed for "exactly one":
 * starting a workflow whose id is running (or completed) is refused by the server. They hold ids of
 * mechanisms, quarters, projects and action items only: never personal data.
 */

/** The one cycle of a mechanism and quarter. Scope: forever (reuse is refused, see startCycle). */
export const cycleWorkflowId = (mechanismId: string, quarter: string) => `cycle:${mechanismId}:${quarter}`;

/** One project's collect-and-chase loop within a cycle. Scope: the cycle. */
export const updateWorkflowId = (mechanismId: string, quarter: string, projectId: string) =>
  `update:${mechanismId}:${quarter}:${projectId}`;

/** The follow-up of one action item, which outlives the cycle that created it. Scope: the mechanism. */
export const actionItemWorkflowId = (mechanismId: string, actionItemId: string) =>
  `action:${mechanismId}:${actionItemId}`;

/** The Temporal Schedule that opens a mechanism's cycles. */
export const scheduleId = (mechanismId: string) => `schedule:${mechanismId}`;

/** Parses a cycle workflow id back into its parts (undefined if it is not one). */
export function parseCycleWorkflowId(id: string): { mechanismId: string; quarter: string } | undefined {
  const m = /^cycle:([a-z0-9-]+):(\d{4}-Q[1-4])$/.exec(id);
  return m ? { mechanismId: m[1], quarter: m[2] } : undefined;
}
