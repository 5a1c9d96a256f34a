/**
 * Compiles the report of a 1,000-project cycle with the real document activities and prints the archived ids: run
 * by heap-cap.test.ts in a process whose heap is capped as the worker's is (`node --max-old-space-size=...`).
 */
import { createDocumentActivities } from '../../../src/documents';
import { sampleReportInput } from '../../../src/documents/samples';

async function main(): Promise<void> {
  const [dataDir, projects] = [process.argv[2], Number(process.argv[3])];
  const { mechanism, quarter, projects: records, previousActionItems } = sampleReportInput(projects);
  const unused = async () => {
    throw new Error('not needed for the report');
  };
  const activities = createDocumentActivities({
    dataDir,
    loadReportInput: async () => ({ mechanism, quarter, projects: records, previousActionItems }),
    loadAgendaInput: unused,
    loadMinutesInput: unused,
    recordDocument: () => undefined,
  });
  const { documentIds } = await activities.compileReport({ mechanismId: mechanism.id, quarter, version: 1 });
  process.stdout.write(`${JSON.stringify(documentIds)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
