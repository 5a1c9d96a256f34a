/**
 * Submissions at the edges of the cycle (issue 15, point 4), raced for real: the worker gets the real activities
 * wrapped so that one of them waits until the test has sent its submission (the activities object is the interface
 * production passes to the worker; nothing in src/ knows about the test). Real workflows on the time-skipping
 * Temporal server, the real web app, SMTP catcher and SQLite store (test/e2e/stack.ts).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities } from '../../src/activities/types';
import { createOutboxRepository } from '../../src/store/outbox';
import { cycleWorkflowId, updateWorkflowId } from '../../src/temporal/ids';
import { cycleState } from '../../src/workflows/messages';
import { startServiceStack, type ServiceStack } from '../e2e/stack';
import { bundleWorkflows, createTimeSkippingEnv } from '../helpers/temporal';
import { until } from '../helpers/until';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  // One after the other: the test server must listen within the SDK's 5 s, which a bundle build alongside it can
  // take from it on a loaded two-core machine.
  env = await createTimeSkippingEnv();
  bundle = await bundleWorkflows({ timeSkipping: true });
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

/** A point an activity stops at until the test lets it go; `reached` resolves when it got there. */
function gate() {
  let reach!: () => void;
  let open!: () => void;
  const reached = new Promise<void>((r) => (reach = r));
  const opened = new Promise<void>((r) => (open = r));
  return { reached, open, pass: async () => (reach(), opened) };
}

const TEXT = {
  status: 'at-risk',
  statusReason: 'Rains delayed the earthworks.',
  progressPercent: '35',
  achievements: 'Bridge piers cast.',
  challenges: 'Heavy rains.',
  supportRequested: '',
  nextSteps: 'Resume paving.',
};

describe('a submission at the edges of the cycle', () => {
  let stack: ServiceStack | undefined;
  afterEach(async () => {
    await stack?.env.client.workflow
      .getHandle(cycleWorkflowId('cn-ls', '2027-Q1'))
      .terminate('the test is over')
      .catch(() => undefined);
    await stack?.close();
    stack = undefined;
  });

  it('after the cut-off, while the first report is being compiled: the owner gets a receipt marked late and the secretariat gets a second report version with it', async () => {
    const compiling = gate();
    stack = await startServiceStack(env, bundle, {
      wrapActivities: (real: Activities): Activities => ({
        ...real,
        async compileReport(input) {
          if (input.version === 1) await compiling.pass();
          return real.compileReport(input);
        },
      }),
    });
    const { store } = stack;
    const workflowId = await stack.startScheduledCycle('cn-ls', '2027-Q1');
    await stack.skipTo('2027-03-01T12:00:00Z');
    const cycle = env.client.workflow.getHandle(workflowId);
    const { cutoffAt } = await until('the cycle collecting', async () => {
      const s = await cycle.query(cycleState);
      return s.phase === 'collecting' && s.cutoffAt ? s : undefined;
    });
    const link = `/u/${await store.ownerLinks.issue({ mechanismId: 'cn-ls', quarter: '2027-Q1', projectId: 'mpiti-road', contactId: (await store.projects.get('cn-ls', 'mpiti-road'))!.owner, expiresAt: '2099-01-01T00:00:00Z' })}`;

    // Nobody answered: collection closes at the cut-off and the cycle starts compiling version 1, held there.
    await stack.skipTo(cutoffAt!);
    await compiling.reached;

    const res = await stack.app.inject({
      method: 'POST',
      url: link,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(TEXT).toString(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('revision 1 of your update is saved (received after the due date, marked late)');
    compiling.open();

    // The report is never silently overwritten: version 2 is compiled with the late answer and announced.
    const outbox = createOutboxRepository(store.db);
    const announced = await until(
      'report version 2 announced',
      async () => {
        const rows = (await outbox.listForWorkflow(workflowId)).filter((m) => m.kind === 'report-ready');
        return rows.some((m) => m.step === 'report-ready-v2') && rows;
      },
      240_000,
    );
    expect([...new Set(announced.map((m) => m.step))].sort()).toEqual(['report-ready-v1', 'report-ready-v2']);
    expect((await cycle.query(cycleState)).projects.find((p) => p.projectId === 'mpiti-road')).toMatchObject({
      state: 'submitted',
      revision: 1,
      late: true,
    });
    // The owner's receipt email goes once, for revision 1.
    const receipts = await until('the receipt', async () => {
      const rows = (await outbox.listForWorkflow(updateWorkflowId('cn-ls', '2027-Q1', 'mpiti-road'))).filter(
        (m) => m.kind === 'receipt',
      );
      return rows.length > 0 && rows;
    });
    expect([...new Set(receipts.map((m) => m.step))]).toEqual(['receipt-r1']);
  }, 400_000);
});
