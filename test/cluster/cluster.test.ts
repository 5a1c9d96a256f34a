/**
 * The product in its production topology (test/cluster/stack.ts): a Temporal cluster of two nodes on PostgreSQL,
 * two workers and two web instances from the compiled dist, a real SMTP server. A quarter of a 200-project
 * mechanism through the API of both web instances, then one small quarter per fault (a worker, a Temporal node,
 * PostgreSQL, SMTP, a web instance), each ending with the checks every case of this suite ends with and the counts
 * printed. Run with `npm run test:cluster` (jest.cluster.config.js), which first runs
 * `node scripts/tools.js ensure cluster`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startedCount } from '../../bench/synthetic';
import { until } from '../helpers/until';
import { startProductionStack, type ProductionStack } from './stack';
import {
  checkQuarter,
  runQuarter,
  seedMechanism,
  testQuarter,
  emailsLeftByAKilledWorker,
  waitForEmails,
  type QuarterCounts,
  type QuarterHooks,
} from './quarter';

/** Projects of a fault case's mechanism: enough for the fault to land mid-stage, few enough for a short suite. */
const FAULT_PROJECTS = 30;

let stack: ProductionStack | undefined;

/** The size of each app process's log now: a case prints only the warnings written after it. */
function logSizes(logDir: string): Map<string, number> {
  return new Map(fs.readdirSync(logDir).map((f) => [f, fs.statSync(path.join(logDir, f)).size]));
}

/** What the workers and web instances wrote since `since` that warns or reports an error (40 lines at most). */
function warningsIn(logDir: string, since: Map<string, number>): string[] {
  return fs
    .readdirSync(logDir)
    .filter((f) => /^(worker|web)/.test(f))
    .flatMap((f) =>
      fs
        .readFileSync(path.join(logDir, f))
        .subarray(since.get(f) ?? 0)
        .toString('utf8')
        .split('\n')
        .filter((l) => /\b(WARN|ERROR|warn|error)\b|"level":(40|50)/.test(l))
        .map((l) => `${f}: ${l.slice(0, 300)}`),
    )
    .slice(0, 40);
}
const log = (line: string) => process.stdout.write(`[cluster] ${line}\n`);

beforeAll(async () => {
  const t0 = Date.now();
  stack = await startProductionStack(log);
  log(`stack up in ${Math.round((Date.now() - t0) / 1000)} s: ${JSON.stringify(stack.timings)}`);
}, 15 * 60_000);

afterAll(async () => {
  await stack?.stop();
}, 120_000);

/**
 * Runs one quarter with the hooks, waits for its emails, checks and prints the counts. `resent`: the Message-IDs a
 * killed worker left being sent (see emailsLeftByAKilledWorker); only those may arrive twice, as the same message.
 * Every other email must arrive exactly once.
 */
async function quarterWith(
  mechanismId: string,
  projects: number,
  hooks: QuarterHooks = {},
  options: { session?: boolean; resent?: () => Promise<Set<string>> } = {},
): Promise<QuarterCounts> {
  const s = stack!;
  const startedAt = Date.now();
  const logsAtStart = logSizes(s.logDir);
  const { sendsNow, timeZone } = await seedMechanism(s, mechanismId, projects);
  const quarter = testQuarter(timeZone);
  const run = await runQuarter(s, mechanismId, quarter, projects, hooks, {
    session: options.session ?? false,
    requestsGoOut: sendsNow,
  });
  await waitForEmails(s, mechanismId, quarter);
  const counts = await checkQuarter(s, run, mechanismId, quarter, projects, startedAt);
  log(`${mechanismId} checked: ${JSON.stringify(counts)}`);
  // What the workers and web instances warned about during the case, so that a failed count can be explained from
  // CI's output (the logs themselves are removed with the stack unless COORD_CLUSTER_KEEP_LOGS=1).
  for (const line of warningsIn(s.logDir, logsAtStart)) log(`warning: ${line}`);
  const inFlight = (await options.resent?.()) ?? new Set<string>();
  const repeated = Object.keys(counts.repeated);
  // The checks, in plain words, for the output.
  log(
    `${mechanismId}: ${counts.submissionsInRecords}/${projects} submissions in the records (${counts.projectsWithOneRevision} with exactly one revision), ` +
      `${counts.submittedInWorkflow}/${projects} accepted once by their workflow, ${counts.receipts} receipts, ` +
      `${counts.messagesAtSmtp} emails at the SMTP server for ${counts.outboxRows} in the outbox ` +
      `(${counts.distinctMessageIds} distinct Message-IDs, ${counts.duplicateMessageIds} arrived twice` +
      (options.resent ? `; the killed worker left ${inFlight.size} being sent` : '') +
      `), ${counts.retriedRequests} requests retried (${counts.replayedCommands} commands replayed after reaching an ` +
      `instance), phase ${counts.phase}, ${counts.seconds} s`,
  );
  expect(counts.phase).toBe('closed');
  expect(counts.submissionsInRecords).toBe(projects);
  expect(counts.projectsWithOneRevision).toBe(projects);
  expect(counts.submittedInWorkflow).toBe(projects);
  expect(counts.receipts).toBe(projects);
  if (sendsNow) expect(counts.requests).toBe(projects);
  expect(counts.distinctMessageIds).toBe(counts.outboxRows);
  // A repeat is allowed only for an email the relay had accepted when its worker died, and only once.
  expect(repeated.filter((id) => !inFlight.has(id))).toEqual([]);
  expect(Object.values(counts.repeated).filter((n) => n > 2)).toEqual([]);
  expect(counts.messagesAtSmtp).toBe(counts.outboxRows + repeated.length);
  return counts;
}

/**
 * Kills a worker; resolves once it is gone, with what it left being sent in the mechanism (read in the background,
 * see emailsLeftByAKilledWorker), which the quarter's checks await.
 */
async function killWorker(index: number, mechanismId: string): Promise<{ leftBehind: Promise<Set<string>> }> {
  await stack!.workers[index].kill('SIGKILL');
  const leftBehind = emailsLeftByAKilledWorker(stack!, mechanismId);
  // Awaited by the checks; a failure here must not surface as an unhandled rejection first.
  leftBehind.catch(() => undefined);
  return { leftBehind };
}

describe('the product on a Temporal cluster with PostgreSQL', () => {
  it(
    'runs a 200-project quarter through the API of both web instances: requests, submissions, report, session, decisions, close',
    async () => {
      const counts = await quarterWith('cluster-200', 200, {}, { session: true });
      // requests and receipts of 200 projects, plus the report, the invitations and the minutes
      expect(counts.outboxRows).toBeGreaterThan(400);
      expect(counts.invitations).toBeGreaterThan(0);
      expect(counts.minutes).toBeGreaterThan(0);
    },
    20 * 60_000,
  );

  it('loses nothing, and repeats only an email the dead worker had in flight, when a worker is killed during the fan-out', async () => {
    const id = 'fault-worker-fan-out';
    let leftBehind = Promise.resolve(new Set<string>());
    await quarterWith(
      id,
      FAULT_PROJECTS,
      {
        async afterOpen() {
          // The fan-out is under way: some update workflows have started, not all.
          const started = await until(
            `${id}: the fan-out to start`,
            async () => {
              const n = await startedCount(stack!.store, id);
              return n >= 3 && n;
            },
            120_000,
          );
          ({ leftBehind } = await killWorker(0, id));
          log(`${id}: worker-1 killed during the fan-out (${started} of ${FAULT_PROJECTS} update workflows started)`);
          await stack!.workers[0].start();
          log(`${id}: worker-1 back`);
          // runQuarter waits for every request email before anyone submits: the dead worker's are written again by the
          // other (once their activity's heartbeat times out), each once.
        },
      },
      { resent: () => leftBehind },
    );
  });

  it('loses nothing, and repeats only an email the dead worker had in flight, when a worker is killed during a burst of submissions', async () => {
    const id = 'fault-worker-submissions';
    let leftBehind = Promise.resolve(new Set<string>());
    await quarterWith(
      id,
      FAULT_PROJECTS,
      {
        atSubmission: 8,
        async duringSubmissions() {
          ({ leftBehind } = await killWorker(1, id));
          log(`${id}: worker-2 killed during the submissions`);
          await stack!.workers[1].start();
          log(`${id}: worker-2 back`);
        },
      },
      { resent: () => leftBehind },
    );
  });

  it('loses nothing and sends nothing twice when a Temporal node is killed while updates are in flight, then restarted', async () => {
    const id = 'fault-temporal-node';
    const node = stack!.temporal.nodes[1];
    await quarterWith(id, FAULT_PROJECTS, {
      atSubmission: 8,
      async duringSubmissions() {
        await node.kill('SIGKILL');
        log(`${id}: ${node.name} killed with updates in flight`);
        await node.start();
        log(`${id}: ${node.name} back`);
      },
    });
  });

  it('loses nothing and sends nothing twice when PostgreSQL restarts under load (Temporal and the records)', async () => {
    const id = 'fault-postgres-restart';
    await quarterWith(id, FAULT_PROJECTS, {
      atSubmission: 8,
      async duringSubmissions() {
        await stack!.postgres.restart();
        log(`${id}: PostgreSQL crashed (immediate stop) and restarted during the submissions`);
      },
    });
  });

  it('delivers every email exactly once when the SMTP server refuses connections for a minute, then is back', async () => {
    const id = 'fault-smtp-down';
    await quarterWith(id, FAULT_PROJECTS, {
      atSubmission: 4,
      async duringSubmissions() {
        await stack!.smtp.down();
        log(`${id}: SMTP refusing connections`);
        // The fault itself lasts a minute (what the case is about), not a wait for a condition.
        await new Promise((r) => setTimeout(r, 60_000));
        await stack!.smtp.up();
        log(`${id}: SMTP back`);
      },
    });
  });

  it('acts once when a web instance is killed mid-request and the client retries through the other instance with the same Idempotency-Key', async () => {
    const id = 'fault-web-kill';
    const counts = await quarterWith(id, FAULT_PROJECTS, {
      atSubmission: 8,
      async duringSubmissions() {
        await stack!.webs[0].kill('SIGKILL');
        log(`${id}: web-1 killed with requests in flight`);
        await stack!.webs[0].start();
        log(`${id}: web-1 back`);
      },
    });
    // Commands were cut on the killed instance after reaching it and sent again through the other one (same key):
    // the checks above found each submission once all the same.
    expect(counts.replayedCommands).toBeGreaterThan(0);
  });
});
