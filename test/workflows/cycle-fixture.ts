/** A small China-Lesotho-like mechanism for the cycle tests, opened by its schedule for 2027-Q1. */
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FakeWorld } from '../helpers/fake-activities';
import { cycleWorkflowId, updateWorkflowId } from '../../src/temporal/ids';

export const mechanismId = 'cn-ls';
export const quarter = '2027-Q1';
export const cycleId = cycleWorkflowId(mechanismId, quarter);
export const updateId = (projectId: string) => updateWorkflowId(mechanismId, quarter, projectId);

/**
 * Monday 1 March 2027 opens the cycle. Holidays on Thursday 11 and Thursday 18 March. Due date: Tuesday 16 March
 * (10 working days, skipping the 11th). Collection closes at the end of Friday 26 March (Maseru time).
 */
export const world: FakeWorld = {
  timeZone: 'Africa/Maseru',
  holidays: ['2027-03-11', '2027-03-18'],
  projects: [
    { projectId: 'mpiti-road', ownerId: 'owner-roads', supervisorId: 'ps-works', ownerTimeZone: 'Africa/Maseru' },
    { projectId: 'solar-plant', ownerId: 'owner-energy', supervisorId: 'ps-energy', ownerTimeZone: 'Asia/Shanghai' },
  ],
  secretariatIds: ['sec-ls', 'sec-cn'],
  chairIds: ['chair-ls', 'chair-cn'],
};

/** Starts the cycle as its schedule would (it waits for the opening day). */
export async function startScheduledCycle(client: Client, taskQueue: string, q = quarter): Promise<void> {
  await client.workflow.start('quarterlyCycle', {
    workflowId: cycleWorkflowId(mechanismId, q),
    taskQueue,
    args: [{ mechanismId, quarter: q, scheduled: true }],
  });
}

/** Skips the test server's clock forward to an instant. */
export async function skipTo(env: TestWorkflowEnvironment, instant: string): Promise<void> {
  const ms = Date.parse(instant) - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}
