/**
 * Every Temporal client, worker, test environment and replayer the project creates goes through the one data
 * converter (src/temporal/codec.ts `projectDataConverter`): a new one written without it would send readable
 * payloads to Temporal, so this test reads the sources and names any that forgets it.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const folders = ['src', 'test', 'bench', 'scripts'];
/** Ways to make something that sends or reads payloads. */
const CREATORS =
  /new (?:Client|WorkflowClient|ScheduleClient|TimeSkippingClient)\(|Worker\.create\(|Worker\.runReplayHistor(?:y|ies)\(|TestWorkflowEnvironment\.create(?:Local|TimeSkipping|ExistingServer)\(/g;
/** What each of them must be given (within the call's first lines). */
const CONVERTER = /dataConverter|replayWorkerOptions\(/;
/** The bare-Temporal baseline worker of the benchmarks runs no project code, so no project payloads either. */
const EXEMPT = new Set(['bench/worker-process.ts:baseline']);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(full);
    return /\.(ts|js)$/.test(e.name) ? [full] : [];
  });
}

describe('encryption of workflow payloads and failures', () => {
  it('is configured on every Temporal client and worker the project creates', () => {
    const forgotten: string[] = [];
    let seen = 0;
    for (const file of folders.flatMap((f) => sources(path.join(root, f)))) {
      const rel = path.relative(root, file);
      if (rel === 'test/temporal/codec-everywhere.test.ts') continue;
      const text = fs.readFileSync(file, 'utf8');
      // node-postgres has a `Client` too; it carries no Temporal payloads.
      const pgClient = /import \{[^}]*\bClient\b[^}]*\} from 'pg'|\{ Client \} = await import\('pg'\)/.test(text);
      for (const m of text.matchAll(CREATORS)) {
        if (pgClient && m[0] === 'new Client(') continue;
        seen++;
        const before = text.slice(Math.max(0, text.lastIndexOf('\n', m.index - 1)), m.index);
        if (/\/\/|\*/.test(before.trimStart().slice(0, 2))) continue; // a comment mentioning the API
        const call = text.slice(m.index, m.index + 600);
        const line = text.slice(0, m.index).split('\n').length;
        const assigned = /const (\w+) = await $/.exec(before.trimStart())?.[1] ?? '';
        if (EXEMPT.has(`${rel}:${assigned}`)) continue;
        if (!CONVERTER.test(call)) forgotten.push(`${rel}:${line} ${m[0]}`);
      }
    }
    expect(seen).toBeGreaterThan(5);
    expect(forgotten).toEqual([]);
  });

  it('reaches the failures of every workflow bundle the project builds (their failure converter)', () => {
    const forgotten: string[] = [];
    let seen = 0;
    for (const file of folders.flatMap((f) => sources(path.join(root, f)))) {
      const rel = path.relative(root, file);
      if (rel === 'test/temporal/codec-everywhere.test.ts') continue;
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/bundleWorkflowCode\(/g)) {
        const before = text.slice(Math.max(0, text.lastIndexOf('\n', m.index - 1)), m.index);
        if (/\/\/|\*/.test(before.trimStart().slice(0, 2)) || /import /.test(before)) continue;
        seen++;
        const call = text.slice(m.index, m.index + 400);
        // The bare-Temporal baseline of the benchmarks runs no project code.
        if (call.includes('baseline-workflows')) continue;
        if (!call.includes('failureConverterPath'))
          forgotten.push(`${rel}:${text.slice(0, m.index).split('\n').length}`);
      }
    }
    expect(seen).toBeGreaterThan(3);
    expect(forgotten).toEqual([]);
  });
});
