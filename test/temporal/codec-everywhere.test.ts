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

/** A match of a pattern in the project's sources: its file, the file's text, the line up to it, and what follows it. */
interface Site {
  rel: string;
  text: string;
  found: string;
  before: string;
  call: string;
  line: number;
  /** The match is in a comment (mentioning the API, not calling it). */
  inComment: boolean;
}

/** Every match of `pattern` in src, test, bench and scripts (this file left out), with `callLength` characters after it. */
function* sitesOf(pattern: RegExp, callLength: number): Generator<Site> {
  for (const file of folders.flatMap((f) => sources(path.join(root, f)))) {
    const rel = path.relative(root, file);
    if (rel === 'test/temporal/codec-everywhere.test.ts') continue;
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(pattern)) {
      const before = text.slice(Math.max(0, text.lastIndexOf('\n', m.index - 1)), m.index);
      yield {
        rel,
        text,
        found: m[0],
        before,
        call: text.slice(m.index, m.index + callLength),
        line: text.slice(0, m.index).split('\n').length,
        inComment: /\/\/|\*/.test(before.trimStart().slice(0, 2)),
      };
    }
  }
}

describe('encryption of workflow payloads and failures', () => {
  it('is configured on every Temporal client and worker the project creates', () => {
    const forgotten: string[] = [];
    let seen = 0;
    for (const site of sitesOf(CREATORS, 600)) {
      // node-postgres has a `Client` too; it carries no Temporal payloads.
      const pgClient = /import \{[^}]*\bClient\b[^}]*\} from 'pg'|\{ Client \} = await import\('pg'\)/.test(site.text);
      if (pgClient && site.found === 'new Client(') continue;
      seen++;
      if (site.inComment) continue;
      const assigned = /const (\w+) = await $/.exec(site.before.trimStart())?.[1] ?? '';
      if (EXEMPT.has(`${site.rel}:${assigned}`)) continue;
      if (!CONVERTER.test(site.call)) forgotten.push(`${site.rel}:${site.line} ${site.found}`);
    }
    expect(seen).toBeGreaterThan(5);
    expect(forgotten).toEqual([]);
  });

  it('reaches the failures of every workflow bundle the project builds (their failure converter)', () => {
    const forgotten: string[] = [];
    let seen = 0;
    for (const site of sitesOf(/bundleWorkflowCode\(/g, 400)) {
      if (site.inComment || /import /.test(site.before)) continue;
      seen++;
      // The bare-Temporal baseline of the benchmarks runs no project code.
      if (site.call.includes('baseline-workflows')) continue;
      if (!site.call.includes('failureConverterPath')) forgotten.push(`${site.rel}:${site.line}`);
    }
    expect(seen).toBeGreaterThan(3);
    expect(forgotten).toEqual([]);
  });
});
