/**
 * A child process for the concurrency test: opens the store on a shared SQLite folder, says
 * "ready", waits for "go" on stdin, then writes as a worker or API process would and prints a JSON summary.
 */
import { openStore } from '../../../src/store';

async function main() {
  const [dataDir, name, countText] = process.argv.slice(2);
  const count = Number(countText);
  const store = await openStore({ dataDir });
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  process.stdin.pause();
  const body = {
    status: 'on-track' as const,
    progressPercent: 50,
    achievements: '',
    challenges: '',
    supportRequested: '',
    nextSteps: '',
    milestoneUpdates: [],
    indicatorUpdates: [],
    actionItemUpdates: [],
  };
  let errors = 0;
  for (let i = 0; i < count; i++) {
    try {
      // A read-then-write transaction (the next revision number) and a plain insert, both contended.
      await store.submissions.recordSubmission({
        mechanismId: 'cn-ls',
        quarter: '2026-Q1',
        projectId: 'mpiti-road',
        body,
        submittedBy: name,
        workflowId: `wf-${name}`,
        step: `s-${i}`,
        late: false,
      });
      await store.audit.append({ actor: name, action: 'test.write', entityType: 'test', entityId: String(i) });
    } catch (err) {
      errors++;
      process.stderr.write(`${String(err)}\n`);
    }
  }
  await store.close();
  process.stdout.write(`${JSON.stringify({ name, errors })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
