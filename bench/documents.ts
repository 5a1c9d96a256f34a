/**
 * Report generation benchmark: renders the progress report for 10, 100 and 1,000 projects in each
 * format and reports wall time and peak memory. Each case runs in its own child process, so peak
 * memory is that process's peak resident set size (`process.resourceUsage().maxRSS`), not a sample.
 * Against LibreOffice (the reference): for each size, LibreOffice converts the DOCX the product
 * rendered to PDF, and the report is compiled as `compileReport` does (DOCX and PDF by a new render process);
 * the render process's start-up is timed on its own.
 * Run: npx ts-node --transpile-only bench/documents.ts
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// Not the renderers: the bench process only forks the processes that render (see runCase).
import { buildReportModel } from '../src/documents/build-report';
import { documentFormats, type DocumentFormat } from '../src/documents/model';
import { renderInChildProcess } from '../src/documents/render-process';
import { sampleReportInput } from '../src/documents/samples';
import { percentile } from './stats';

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

/** One report size against LibreOffice. */
export interface ReportVsLibreOffice {
  projects: number;
  /** `soffice --headless --convert-to pdf` of the product's DOCX of this size: LibreOffice's start-up included. */
  libreOfficePdfMs: number;
  /** The model built, then DOCX and PDF rendered by a new render process, as `compileReport` does (archive aside). */
  compiledMs: number;
}

/** Everything the documents section measures. */
export interface DocumentsBench {
  renders: DocumentBenchResult[];
  libreOffice: ReportVsLibreOffice[];
  /** From forking the render process to its answer to a job with nothing to render: the median, and each sample. */
  renderStartupMs: number;
  renderStartupSamplesMs: number[];
}

/** How many times the render process is started to time its start-up. */
const STARTUPS = 5;

/** Runs in a process of its own; writes the DOCX to `docxFile` when given (for LibreOffice). */
async function runCase(projects: number, format: DocumentFormat, docxFile?: string): Promise<void> {
  const { renderDocument } = await import('../src/documents');
  await renderDocument(buildReportModel(sampleReportInput(2)), format); // warm-up: font parsing, module loading
  const started = process.hrtime.bigint();
  const bytes = await renderDocument(buildReportModel(sampleReportInput(projects)), format);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (docxFile) fs.writeFileSync(docxFile, bytes);
  const result: DocumentBenchResult = {
    projects,
    format,
    ms: Math.round(ms),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    bytes: bytes.length,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

/** Milliseconds LibreOffice takes to convert `docx` to PDF in `outDir` (its profile in `profileDir`, made before). */
function libreOfficeToPdf(docx: string, outDir: string, profileDir: string): number {
  fs.mkdirSync(outDir, { recursive: true });
  const started = performance.now();
  // Own profile folder, as the tests do: parallel runs of LibreOffice with a shared profile block each other.
  execFileSync(
    'soffice',
    [`-env:UserInstallation=file://${profileDir}`, '--headless', '--convert-to', 'pdf', '--outdir', outDir, docx],
    // Its output (and a warning that Java is missing) is not needed: an error shows in the exception.
    { encoding: 'utf8', stdio: 'pipe', timeout: 30 * 60_000 },
  );
  const ms = performance.now() - started;
  const pdf = path.join(outDir, `${path.basename(docx, '.docx')}.pdf`);
  if (!fs.existsSync(pdf)) throw new Error(`LibreOffice wrote no PDF for ${docx}`);
  return ms;
}

/** Milliseconds from forking the render process to its answer, for a job with nothing to render. */
async function renderStartup(): Promise<number> {
  const model = buildReportModel(sampleReportInput(2));
  const started = performance.now();
  await renderInChildProcess(model, []);
  return performance.now() - started;
}

/**
 * Renders the report for each size and format in a fresh process, then has LibreOffice convert the DOCX to PDF and
 * compiles the report as the activity does; last, starts the render process a few times.
 */
export async function benchDocuments(sizes: number[] = [10, 100, 1000]): Promise<DocumentsBench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-bench-documents-'));
  const profile = path.join(dir, 'libreoffice-profile');
  const renders: DocumentBenchResult[] = [];
  const libreOffice: ReportVsLibreOffice[] = [];
  buildReportModel(sampleReportInput(2)); // warm-up of the model building timed below
  try {
    for (const n of sizes) {
      const docx = path.join(dir, `report-${n}.docx`);
      for (const f of documentFormats) {
        const out = execFileSync(
          process.execPath,
          [
            '-r',
            'ts-node/register/transpile-only',
            __filename,
            '--case',
            String(n),
            f,
            ...(f === 'docx' ? [docx] : []),
          ],
          {
            encoding: 'utf8',
            env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
            maxBuffer: 1024 * 1024,
          },
        );
        renders.push(JSON.parse(out.trim().split('\n').pop()!) as DocumentBenchResult);
      }
      // Untimed first conversion: LibreOffice creates its profile (seconds) the first time only.
      if (!libreOffice.length) libreOfficeToPdf(docx, path.join(dir, 'warm-up'), profile);
      const libreOfficePdfMs = libreOfficeToPdf(docx, path.join(dir, 'pdf'), profile);
      const started = performance.now();
      await renderInChildProcess(buildReportModel(sampleReportInput(n)), ['docx', 'pdf']);
      libreOffice.push({
        projects: n,
        libreOfficePdfMs: Math.round(libreOfficePdfMs),
        compiledMs: Math.round(performance.now() - started),
      });
    }
    const samples: number[] = [];
    for (let i = 0; i < STARTUPS; i++) samples.push(Math.round(await renderStartup()));
    return { renders, libreOffice, renderStartupMs: percentile(samples, 50), renderStartupSamplesMs: samples };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const i = process.argv.indexOf('--case');
  if (i >= 0) {
    const [projects, format, docxFile] = process.argv.slice(i + 1);
    runCase(Number(projects), format as DocumentFormat, docxFile).catch((err) => {
      console.error(err);
      process.exit(1);
    });
  } else {
    void benchDocuments().then((docs) => {
      console.log('projects  format  time(ms)  peak RSS(MiB)  size(bytes)');
      for (const r of docs.renders)
        console.log(
          `${String(r.projects).padStart(8)}  ${r.format.padEnd(6)}  ${String(r.ms).padStart(8)}  ${String(r.peakRssMiB).padStart(13)}  ${String(r.bytes).padStart(11)}`,
        );
      for (const l of docs.libreOffice)
        console.log(
          `${l.projects} projects: LibreOffice docx->pdf ${l.libreOfficePdfMs} ms, compiled (docx+pdf) ${l.compiledMs} ms`,
        );
      console.log(`render process start-up: ${docs.renderStartupMs} ms (median of ${STARTUPS})`);
    });
  }
}
