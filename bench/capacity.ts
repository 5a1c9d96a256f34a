/**
 * Capacity: what one project costs per quarter, read from the runs the other sections already made (no workload of
 * its own), and what a deployment of M mechanisms x 1,000 projects then needs. docs/benchmarks.md ("Capacity model")
 * says which figures are measured and which extrapolated.
 *
 * - history events and bytes: the history section (longest path, whole collection; time-skipping server) and the
 *   largest fan-out (opening day; dev server);
 * - store rows and bytes per table, emails by kind: the history section's own SQLite store (longest path) and the
 *   round trip's outbox (typical path: the owner answers the request at once);
 * - worker and Temporal server CPU-seconds: /proc of the worker process and of the dev server (bench/cpu.ts) around
 *   the largest fan-out and the round trip's first answers and amendments.
 */
import type { CpuSample } from './cpu';
import type { FanOutResult } from './fan-out';
import type { HistoryResult } from './history';
import type { RoundTripResult } from './round-trip';
import { footprintGrowth, footprintPer, footprintTotal, type StoreFootprint } from './store-footprint';

/** One worker process as deployed: 2 cores, its V8 heap capped at 640 MiB (src/workers/heap.ts). */
const WORKER_CORES = 2;
/** The share of its cores a worker may spend on the busiest hour: the rest is for answers, pages and bursts. */
const TARGET_UTILISATION = 0.5;
const PROJECTS_PER_MECHANISM = 1000;
/**
 * What PostgreSQL adds to a row's data (an assumption, not measured): a 24-byte tuple header and a 4-byte line
 * pointer in the heap, and an entry of about 20 bytes in each of about three indexes. TOAST's compression of long
 * texts (the emails' bodies) is not credited, so this errs on the large side.
 */
const POSTGRES_ROW_OVERHEAD = 100;
/** Mechanisms of 1,000 projects each in the deployment table. */
const DEPLOYMENTS = [10, 100, 1000];

/** CPU seconds of the worker process and of the Temporal dev server. */
interface Cpu {
  workerSeconds: number;
  serverSeconds: number;
}

/** What one project costs. */
export interface PerProject {
  /** Longest path, whole collection: one update's history plus its share of the cycle's (slope of two cycle sizes). */
  longestPath: { events: number; bytes: number; updateEvents: number; updateBytes: number };
  /** Opening day, from the largest fan-out: the update's history right after its request plus its share of the cycle's. */
  openingDay: { projects: number; events: number; bytes: number } & Cpu;
  /** An owner's first answer through the HTTP API, until its receipt is in the outbox; an amendment. */
  firstAnswer: Cpu;
  amendment: Cpu;
  /** Emails by kind: longest path (history section, the cycle's report included) and typical path (round trip). */
  emails: { longestPath: Record<string, number>; typical: Record<string, number> };
  /** What each table gained over the collection (longest path, the report included), and the portfolio's records. */
  store: { collection: StoreFootprint; portfolio: StoreFootprint };
}

/** What M mechanisms x 1,000 projects need, from `PerProject` (see docs/benchmarks.md for the assumptions). */
export interface Deployment {
  mechanisms: number;
  projects: number;
  /** Updates and cycles open during collection (the cycle's action items left out). */
  openWorkflows: number;
  /** Every mechanism in one zone: every request goes out in the owners' send hour of the opening day. */
  busiestHour: { requestEmails: number; workers: number; eventsPerSecond: number } & Cpu;
  /** Longest path for every project: Temporal's history bytes and the records' bytes in PostgreSQL, one quarter. */
  historyBytesPerQuarter: number;
  postgresBytesPerQuarter: number;
  /** The mechanisms, projects and contacts themselves in PostgreSQL. */
  postgresPortfolioBytes: number;
}

/** The per-project figures and the deployment table. */
export interface CapacityResult {
  perProject: PerProject;
  deployments: Deployment[];
}

const perKind = (counts: Record<string, number>[], n: number) => {
  const sums: Record<string, number> = {};
  for (const c of counts) for (const [kind, k] of Object.entries(c)) sums[kind] = (sums[kind] ?? 0) + k / n;
  return sums;
};
const postgresBytes = (f: StoreFootprint) => {
  const { bytes, rows } = footprintTotal(f);
  return bytes + rows * POSTGRES_ROW_OVERHEAD;
};
const total = (emails: Record<string, number>) => Object.values(emails).reduce((a, b) => a + b, 0);
const cpu = (c: CpuSample, n: number): Cpu => ({
  workerSeconds: c.worker / n,
  serverSeconds: c.server / n,
});

/** The per-project costs from the history section, the largest fan-out and the round trip. */
function perProject(history: HistoryResult, fanOuts: FanOutResult[], roundTrip: RoundTripResult): PerProject {
  const largest = history.samples[history.samples.length - 1];
  const fan = fanOuts.reduce((a, b) => (b.projects > a.projects ? b : a));
  const projects = history.samples.reduce((sum, s) => sum + s.projects, 0);
  const { empty, afterImport, afterCollection } = history.store;
  return {
    longestPath: {
      events: largest.updateEvents + history.eventsPerProjectInCycle,
      bytes: largest.updateBytes + history.bytesPerProjectInCycle,
      updateEvents: largest.updateEvents,
      updateBytes: largest.updateBytes,
    },
    openingDay: {
      projects: fan.projects,
      events: fan.childEvents + fan.parentEvents / fan.projects,
      bytes: fan.childBytes + fan.parentBytes / fan.projects,
      ...cpu(fan.cpu, fan.projects),
    },
    firstAnswer: cpu(roundTrip.firstAnswerCpu, roundTrip.owners),
    amendment: cpu(roundTrip.productCpu, roundTrip.owners * roundTrip.postsPerOwner),
    emails: {
      longestPath: perKind(
        history.samples.map((s) => s.emails),
        projects,
      ),
      typical: perKind([roundTrip.emails], roundTrip.owners),
    },
    store: {
      collection: footprintPer(footprintGrowth(afterImport, afterCollection), projects),
      portfolio: footprintPer(footprintGrowth(empty, afterImport), projects),
    },
  };
}

/** What `mechanisms` x 1,000 projects need, all on the longest path, all mechanisms in one zone. */
function deployment(p: PerProject, mechanisms: number): Deployment {
  const projects = mechanisms * PROJECTS_PER_MECHANISM;
  const workerSeconds = projects * p.openingDay.workerSeconds;
  return {
    mechanisms,
    projects,
    openWorkflows: projects + mechanisms,
    busiestHour: {
      requestEmails: projects * p.emails.longestPath.request,
      workerSeconds,
      workers: Math.ceil(workerSeconds / (3600 * WORKER_CORES * TARGET_UTILISATION)),
      serverSeconds: projects * p.openingDay.serverSeconds,
      eventsPerSecond: (projects * p.openingDay.events) / 3600,
    },
    historyBytesPerQuarter: projects * p.longestPath.bytes,
    postgresBytesPerQuarter: projects * postgresBytes(p.store.collection),
    postgresPortfolioBytes: projects * postgresBytes(p.store.portfolio),
  };
}

/** The capacity figures and the lines they print as (figure, value). */
export function capacity(
  history: HistoryResult,
  fanOuts: FanOutResult[],
  roundTrip: RoundTripResult,
): { result: CapacityResult; lines: [string, string][] } {
  const p = perProject(history, fanOuts, roundTrip);
  const deployments = DEPLOYMENTS.map((m) => deployment(p, m));
  const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
  const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;
  const store = footprintTotal(p.store.collection);
  const lines: [string, string][] = [
    [
      'capacity: history per project, longest path (update + share of cycle)',
      `${p.longestPath.events.toFixed(0)} events, ${kib(p.longestPath.bytes)}`,
    ],
    [
      `capacity: history per project, opening day (fan-out of ${p.openingDay.projects})`,
      `${p.openingDay.events.toFixed(1)} events, ${kib(p.openingDay.bytes)}`,
    ],
    [
      'capacity: store per project per quarter, longest path (SQLite)',
      `${store.rows.toFixed(1)} rows, ${kib(store.bytes)} (${kib(store.diskBytes)} in pages)`,
    ],
    [
      'capacity: emails per project per quarter, longest / typical path',
      `${total(p.emails.longestPath).toFixed(2)} / ${total(p.emails.typical).toFixed(2)}`,
    ],
    [
      `capacity: CPU per project, fan-out of ${p.openingDay.projects} (worker, server)`,
      `${ms(p.openingDay.workerSeconds)}, ${ms(p.openingDay.serverSeconds)}`,
    ],
    [
      'capacity: CPU per first answer (worker, server)',
      `${ms(p.firstAnswer.workerSeconds)}, ${ms(p.firstAnswer.serverSeconds)}`,
    ],
    [
      'capacity: CPU per amendment (worker, server)',
      `${ms(p.amendment.workerSeconds)}, ${ms(p.amendment.serverSeconds)}`,
    ],
    ...deployments.map((d): [string, string] => [
      `capacity: ${d.mechanisms} x 1,000 projects (busiest hour; one quarter)`,
      `${d.busiestHour.workers} worker(s), ${(d.busiestHour.requestEmails / 3600).toFixed(1)} emails/s, ` +
        `${d.busiestHour.eventsPerSecond.toFixed(0)} events/s; history ${gib(d.historyBytesPerQuarter)}, ` +
        `PostgreSQL ${gib(d.postgresBytesPerQuarter)}`,
    ]),
  ];
  return { result: { perProject: p, deployments }, lines };
}
