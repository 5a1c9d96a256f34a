/**
 * The product in its production topology (test/cluster/stack.ts): a Temporal cluster of two nodes on PostgreSQL,
 * two workers and two web instances from the compiled dist, a real SMTP server. A quarter of a 200-project
 * mechanism through the API of both web instances, ending with the checks every case of this suite ends with, and
 * the counts printed. Run with `npm run test:cluster` (jest.cluster.config.js), which first runs
 * `node scripts/tools.js ensure cluster`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startProductionStack, type ProductionStack } from './stack';
import {
  checkQuarter,
  runQuarter,
  seedMechanism,
  testQuarter,
  waitForEmails,
  type QuarterCounts,
  type QuarterHooks,
} from './quarter';

let stack: ProductionStack | undefined;

/** The lines of the app processes' logs that warn or report an error (at most 40, each cut to 300 characters). */
function warningsIn(logDir: string): string[] {
  return fs
    .readdirSync(logDir)
    .filter((f) => /^(worker|web)/.test(f))
    .flatMap((f) =>
      fs
        .readFileSync(path.join(logDir, f), 'utf8')
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

/** Runs one quarter with the hooks, waits for its emails, checks and prints the counts. */
async function quarterWith(
  mechanismId: string,
  projects: number,
  hooks: QuarterHooks = {},
  session = false,
): Promise<QuarterCounts> {
  const s = stack!;
  const startedAt = Date.now();
  const { sendsNow, timeZone } = await seedMechanism(s, mechanismId, projects);
  const quarter = testQuarter(timeZone);
  const run = await runQuarter(s, mechanismId, quarter, projects, hooks, { session });
  await waitForEmails(s, mechanismId, quarter);
  const counts = await checkQuarter(s, run, mechanismId, quarter, projects, startedAt);
  log(`${mechanismId} checked: ${JSON.stringify(counts)}`);
  // What the workers and web instances warned about, so that a failed count can be explained from CI's output
  // (the logs themselves are removed with the stack unless COORD_CLUSTER_KEEP_LOGS=1).
  for (const line of warningsIn(s.logDir)) log(`warning: ${line}`);
  expect(counts.phase).toBe('closed');
  expect(counts.submissionsInRecords).toBe(projects);
  expect(counts.projectsWithOneRevision).toBe(projects);
  expect(counts.submittedInWorkflow).toBe(projects);
  expect(counts.receipts).toBe(projects);
  if (sendsNow) expect(counts.requests).toBe(projects);
  expect(counts.messagesAtSmtp).toBe(counts.outboxRows);
  expect(counts.distinctMessageIds).toBe(counts.outboxRows);
  expect(counts.duplicateMessageIds).toBe(0);
  return counts;
}

describe('the product on a Temporal cluster with PostgreSQL', () => {
  it(
    'runs a 200-project quarter through the API of both web instances: requests, submissions, report, session, decisions, close',
    async () => {
      const counts = await quarterWith('cluster-200', 200, {}, true);
      // requests and receipts of 200 projects, plus the report, the invitations and the minutes
      expect(counts.outboxRows).toBeGreaterThan(400);
      expect(counts.invitations).toBeGreaterThan(0);
      expect(counts.minutes).toBeGreaterThan(0);
    },
    20 * 60_000,
  );
});
