/**
 * Report generation benchmark: renders the progress report for 10, 100 and 1,000 projects in each
 * format and reports wall time and peak memory. Each case runs in its own child process, so peak
 * memory is that process's peak resident set size (`process.resourceUsage().maxRSS`), not a sample.
 * Run: npx ts-node --transpile-only bench/documents.ts
 */
import { execFileSync } from 'node:child_process';
import type { DocumentFormat } from '../src/documents/model';

/** One measured case. */
export interface DocumentBenchResult {
  projects: number;
  format: DocumentFormat;
  /** Wall time of model building plus rendering, in milliseconds (fonts already loaded by a warm-up). */
  ms: number;
  /** Peak resident set size of the process that rendered it, in MiB. */
  peakRssMiB: number;
  bytes: number;
}

async function runCase(projects: number, format: DocumentFormat): Promise<void> {
  const { buildReportModel, renderDocument } = await import('../src/documents');
  const { sampleReportInput } = await import('../src/documents/samples');
  await renderDocument(buildReportModel(sampleReportInput(2)), format); // warm-up: font parsing, module loading
  const started = process.hrtime.bigint();
  const bytes = await renderDocument(buildReportModel(sampleReportInput(projects)), format);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const result: DocumentBenchResult = {
    projects,
    format,
    ms: Math.round(ms),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    bytes: bytes.length,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

/** Renders the report for each size and format in a fresh process and returns the measurements. */
export function benchDocuments(
  sizes: number[] = [10, 100, 1000],
  formats: DocumentFormat[] = ['docx', 'pdf', 'html'],
): DocumentBenchResult[] {
  const results: DocumentBenchResult[] = [];
  for (const n of sizes) {
    for (const f of formats) {
      const out = execFileSync(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', __filename, '--case', String(n), f],
        {
          encoding: 'utf8',
          env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
          maxBuffer: 1024 * 1024,
        },
      );
      results.push(JSON.parse(out.trim().split('\n').pop()!) as DocumentBenchResult);
    }
  }
  return results;
}

if (require.main === module) {
  const i = process.argv.indexOf('--case');
  if (i >= 0) {
    runCase(Number(process.argv[i + 1]), process.argv[i + 2] as DocumentFormat).catch((err) => {
      console.error(err);
      process.exit(1);
    });
  } else {
    const rows = benchDocuments();
    console.log('projects  format  time(ms)  peak RSS(MiB)  size(bytes)');
    for (const r of rows)
      console.log(
        `${String(r.projects).padStart(8)}  ${r.format.padEnd(6)}  ${String(r.ms).padStart(8)}  ${String(r.peakRssMiB).padStart(13)}  ${String(r.bytes).padStart(11)}`,
      );
  }
}
