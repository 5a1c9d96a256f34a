import type { Client } from '@temporalio/client';
import { ensureSchedule, type ScheduledMechanism } from './schedules';

/** Something that lists mechanisms with what their schedules need (the store does). */
export interface MechanismSource {
  mechanisms: {
    list(): Promise<{ id: string }[]>;
    get(id: string): Promise<ScheduledMechanism | undefined>;
  };
}

/**
 * Creates or updates the schedule of every mechanism; idempotent, run at each worker start-up so a
 * mechanism added or changed since the last start gets the right calendar.
 */
export async function ensureSchedules(client: Client, source: MechanismSource, taskQueue: string): Promise<string[]> {
  const done: string[] = [];
  for (const { id } of await source.mechanisms.list()) {
    const mechanism = await source.mechanisms.get(id);
    if (!mechanism) continue;
    done.push(`${id} (${await ensureSchedule(client, mechanism, taskQueue)})`);
  }
  return done;
}
