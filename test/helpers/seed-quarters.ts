/**
 * Past quarters written straight into the records, as the activities would have left them (no cycle runs in
 * Temporal): a mechanism of N projects over five pillars, and for each quarter a closed cycle, each project's final
 * state and, for most, an update whose status, progress and support request vary by project and quarter. The trends
 * pages and their tests read them back.
 */
import { importMechanismFile, type Store } from '../../src/store';

/** The pillars of the seeded mechanism (the demo's). */
export const SEED_PILLARS = [
  { id: 'political-solidarity', name: 'Political solidarity' },
  { id: 'economic-transformation', name: 'Economic transformation' },
  { id: 'institutional-fortification', name: 'Institutional fortification' },
  { id: 'multilateral-alignment', name: 'Multilateral alignment' },
  { id: 'people-to-people', name: 'People-to-people exchanges' },
];

const RATINGS = ['on-track', 'on-track', 'at-risk', 'off-track', 'completed'] as const;

/** Imports mechanism `id` with `projects` projects (`project-0` ...), spread over the five pillars. */
export async function importSeedMechanism(store: Store, id: string, projects: number): Promise<string[]> {
  const file = {
    id,
    name: `Seeded mechanism of ${projects} projects`,
    timeZone: 'Africa/Maseru',
    languages: ['en'],
    sides: [
      { id: 'ls', name: 'Lesotho', secretariat: ['secretariat'] },
      { id: 'cn', name: 'China', secretariat: ['secretariat'], timeZone: 'Asia/Shanghai' },
    ],
    pillars: SEED_PILLARS,
    contacts: [
      { id: 'secretariat', name: 'Secretariat', email: 'secretariat@example.org', side: 'ls' },
      ...Array.from({ length: projects }, (_, i) => ({
        id: `owner-${i}`,
        name: `Project director ${i}`,
        email: `project-${i}.director@example.org`,
        side: i % 3 === 0 ? 'cn' : 'ls',
      })),
    ],
    projects: Array.from({ length: projects }, (_, i) => ({
      id: `project-${i}`,
      title: `Cooperation project ${i}`,
      pillar: SEED_PILLARS[i % SEED_PILLARS.length].id,
      owner: `owner-${i}`,
    })),
  };
  await importMechanismFile(store, { text: JSON.stringify(file) }, { actor: 'seed' });
  return file.projects.map((p) => p.id);
}

/** The due date of a quarter's cycle: the 15th of its last month. */
const dueDateOf = (quarter: string) =>
  `${quarter.slice(0, 4)}-${String(Number(quarter.slice(6)) * 3).padStart(2, '0')}-15`;

/**
 * Writes each quarter as a closed cycle: every seventh project (shifting by quarter) sent no update and is
 * `missing`; the others submitted, some days after the due date, with a rating and progress that move from quarter
 * to quarter and, for every sixth, a support request.
 */
export async function seedQuarters(store: Store, mechanismId: string, quarters: string[], projects: string[]) {
  for (const [q, quarter] of quarters.entries()) {
    const dueDate = dueDateOf(quarter);
    await store.cycles.open({
      mechanismId,
      quarter,
      workflowId: `seed:${mechanismId}:${quarter}`,
      openedAt: `${dueDate.slice(0, 8)}01T07:00:00Z`,
      dueDate,
    });
    for (const [i, projectId] of projects.entries()) {
      const silent = (i + q) % 7 === 0;
      await store.cycles.setProjectState({
        mechanismId,
        quarter,
        projectId,
        ownerId: `owner-${i}`,
        state: silent ? 'missing' : 'submitted',
      });
      if (silent) continue;
      const daysLate = (i + 2 * q) % 5 === 0 ? 3 : -2;
      const at = new Date(Date.parse(`${dueDate}T09:00:00Z`) + daysLate * 86_400_000);
      await store.submissions.recordSubmission({
        mechanismId,
        quarter,
        projectId,
        body: {
          status: RATINGS[(i + q) % RATINGS.length],
          statusReason: 'Deliveries of materials were late.',
          progressPercent: Math.min(100, 5 + q * 12 + (i % 10)),
          supportRequested: i % 6 === 0 ? 'Customs clearance for equipment' : '',
        },
        submittedBy: `owner-${i}`,
        workflowId: `seed:${mechanismId}:${quarter}:${projectId}`,
        step: `seed-${projectId}`,
        receivedAt: at.toISOString(),
        late: daysLate > 0,
      });
    }
    // Closed once the due date has ended in Maseru (22:00 UTC), as a cycle closes after its session.
    await store.cycles.setPhase(mechanismId, quarter, 'closed', `${dueDate}T23:30:00Z`);
  }
}
