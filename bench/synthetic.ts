/**
 * Synthetic mechanisms for the benchmarks: N active projects, one owner each (role addresses at example.org), one
 * supervisor, one secretariat. Owners live in a time zone where "now" is a working day inside the sending window
 * when such a zone exists, so the request emails of a cycle opened now go out at once instead of on Monday.
 */
import { DateTime } from 'luxon';
import { importMechanismFile, type Store } from '../src/store';
import type { OutboxStatus } from '../src/store/outbox';

/** Where owners sit and the policy send hour that makes requests go out now; `sendsNow` false on a worldwide weekend. */
export interface SendingWindow {
  timeZone: string;
  sendHour: number;
  sendsNow: boolean;
}

/**
 * A fixed-offset zone in which `at` is Monday-Friday, with the send hour set to the local hour (the window lasts 8 h).
 * From Saturday noon to Sunday about 10:00 UTC no zone on Earth is on a working day: then `sendsNow` is false.
 */
export function sendingWindowAt(at: Date = new Date()): SendingWindow {
  // Etc/GMT+12 is UTC-12 ... Etc/GMT-14 is UTC+14 (the sign is inverted in these names).
  for (let offset = -12; offset <= 14; offset++) {
    const zone = offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
    const local = DateTime.fromJSDate(at).setZone(zone);
    // At least an hour left in the window, so a run that lasts minutes never slides out of it.
    if (local.weekday <= 5 && local.hour <= 22) return { timeZone: zone, sendHour: local.hour, sendsNow: true };
  }
  return { timeZone: 'Africa/Maseru', sendHour: 9, sendsNow: false };
}

/** Imports mechanism `id` with `projects` projects whose owners sit in `window.timeZone`. */
export async function importSyntheticMechanism(
  store: Store,
  id: string,
  projects: number,
  window: SendingWindow,
): Promise<void> {
  const file = {
    id,
    name: `Benchmark mechanism ${id}`,
    timeZone: window.timeZone,
    languages: ['en'],
    sides: [
      { id: 'ls', name: 'Side A', secretariat: ['secretariat'] },
      { id: 'cn', name: 'Side B', secretariat: ['secretariat'] },
    ],
    pillars: [{ id: 'economic-transformation', name: 'Economic transformation' }],
    policy: { sendHour: window.sendHour },
    contacts: [
      { id: 'secretariat', name: 'Secretariat', email: 'secretariat@example.org', side: 'ls' },
      { id: 'supervisor', name: 'Principal Secretary', email: 'principal-secretary@example.org', side: 'ls' },
      ...Array.from({ length: projects }, (_, i) => ({
        id: `owner-${i}`,
        name: `Project director ${i}`,
        email: `project-${i}.director@example.org`,
        side: 'ls',
        timeZone: window.timeZone,
      })),
    ],
    projects: Array.from({ length: projects }, (_, i) => ({
      id: `project-${i}`,
      title: `Cooperation project ${i}`,
      pillar: 'economic-transformation',
      owner: `owner-${i}`,
      supervisor: 'supervisor',
    })),
  };
  // JSON is YAML: the file goes through the same parser and checks as `coord mechanism apply`.
  await importMechanismFile(store, { text: JSON.stringify(file) }, { actor: 'bench' });
}

/** Rows in the outbox for one step kind of a mechanism's cycle (e.g. every `request`), or only those in `status`. */
export async function outboxCount(
  store: Store,
  mechanismId: string,
  step: string,
  status?: OutboxStatus,
): Promise<number> {
  let query = store.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('mechanism_id', '=', mechanismId)
    .where('step', '=', step);
  if (status) query = query.where('status', '=', status);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Rows in the outbox of a mechanism by email kind (`request`, `reminder`, `receipt`...), leaving out one project's. */
export async function outboxByKind(
  store: Store,
  mechanismId: string,
  exceptProject?: string,
): Promise<Record<string, number>> {
  const rows = await store.db
    .selectFrom('outbox')
    .select((eb) => ['kind', eb.fn.countAll<number>().as('n')])
    .where('mechanism_id', '=', mechanismId)
    // Emails of the cycle itself (the report, the invitations) have no project.
    .$if(exceptProject !== undefined, (q) =>
      q.where((eb) => eb.or([eb('project_id', 'is', null), eb('project_id', '!=', exceptProject!)])),
    )
    .groupBy('kind')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
}

/** How many revisions the updates of a mechanism have stored (every quarter's). */
export async function revisionCount(store: Store, mechanismId: string): Promise<number> {
  const row = await store.db
    .selectFrom('submissions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('mechanism_id', '=', mechanismId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Projects of a mechanism whose update workflow has recorded its state (it has started and planned its chase), in
 * `quarter` only when given (a mechanism with past quarters in the records).
 */
export async function startedCount(store: Store, mechanismId: string, quarter?: string): Promise<number> {
  const row = await store.db
    .selectFrom('cycle_projects')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('mechanism_id', '=', mechanismId)
    .$if(quarter !== undefined, (q) => q.where('quarter', '=', quarter!))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** When an opening is done: every request email in the outbox or, when no request may go out now, every update started. */
export type OpeningEnd = 'requests-in-outbox' | 'updates-started';

/** The end an opening reaches in `window`: a worldwide weekend sends no request (see sendingWindowAt). */
export const openingEnd = (window: SendingWindow): OpeningEnd =>
  window.sendsNow ? 'requests-in-outbox' : 'updates-started';

/** Waits until `projects` updates of `mechanismId`'s cycle have reached `end`; throws after `timeoutMs`. */
export function untilOpened(
  store: Store,
  mechanismId: string,
  projects: number,
  end: OpeningEnd,
  timeoutMs: number,
): Promise<void> {
  return until(
    async () =>
      (end === 'requests-in-outbox'
        ? await outboxCount(store, mechanismId, 'request')
        : await startedCount(store, mechanismId)) >= projects,
    `${projects} updates of ${mechanismId} (${end})`,
    timeoutMs,
  );
}

/** Polls `check` every 100 ms until it is true; throws after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
