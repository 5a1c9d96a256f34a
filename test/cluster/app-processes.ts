/**
 * The product as the container image runs it (Dockerfile): the compiled `dist/` with production dependencies only,
 * `node dist/src/workers/main.js` and `node dist/src/api/main.js`, started as separate processes the tests can kill.
 *
 * Production dependencies without a second install: the repository's node_modules is hard-linked into a folder
 * outside the repository and pruned there with `npm prune --omit=dev` (what the image's build stage does), keyed by
 * the hash of package-lock.json and kept in the user cache (COORD_CACHE_DIR or ~/.cache/coordination-mechanism).
 * The app folder is a temp folder outside the repository too, so a module missing from the production dependencies
 * cannot be found in the repository's node_modules by walking up.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { workerHeapFlag } from '../../src/workers/heap';

const repoRoot = path.resolve(__dirname, '../..');

function userCacheDir(): string {
  if (process.env.COORD_CACHE_DIR) return path.resolve(process.env.COORD_CACHE_DIR);
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'coordination-mechanism');
}

/** The pruned production node_modules for the current package-lock.json; made once per lock file. */
function productionNodeModules(log: (line: string) => void): string {
  const lock = fs.readFileSync(path.join(repoRoot, 'package-lock.json'));
  const key = createHash('sha256').update(lock).digest('hex').slice(0, 16);
  const dir = path.join(userCacheDir(), `prod-deps-${key}`);
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker)) return path.join(dir, 'node_modules');
  const t0 = Date.now();
  const staging = `${dir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  execFileSync('cp', ['-al', path.join(repoRoot, 'node_modules'), path.join(staging, 'node_modules')]);
  // npm rewrites its hidden lock file: unlink it rather than write through a hard link into the repository's copy.
  fs.rmSync(path.join(staging, 'node_modules', '.package-lock.json'), { force: true });
  fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(staging, 'package.json'));
  fs.copyFileSync(path.join(repoRoot, 'package-lock.json'), path.join(staging, 'package-lock.json'));
  execFileSync('npm', ['prune', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: staging,
    env: { ...process.env, COORD_SKIP_TOOLS: '1' },
    stdio: 'ignore',
  });
  fs.writeFileSync(path.join(staging, '.complete'), new Date().toISOString());
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  log(`production dependencies pruned into ${dir} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return path.join(dir, 'node_modules');
}

/**
 * Builds `dist/` (npm run build) and lays out an app folder like the image's /app: dist, package.json, mechanisms,
 * node_modules (production only). Returns its path.
 */
export function prepareProductionApp(log: (line: string) => void): string {
  let t0 = Date.now();
  // tsc rewrites every output file: a dist whose oldest file is newer than every source is current (npm test's
  // test/start/dist.test.ts has usually just built it), and the build is skipped.
  const sources = ['src', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
  const newestSource = Math.max(...sources.map((p) => mtimes(path.join(repoRoot, p)).newest));
  const dist = path.join(repoRoot, 'dist');
  if (!fs.existsSync(dist) || mtimes(dist).oldest <= newestSource) {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
    log(`npm run build: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } else {
    log('dist is newer than the sources: not rebuilt');
  }
  t0 = Date.now();
  const nodeModules = productionNodeModules(log);
  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-app-'));
  fs.cpSync(path.join(repoRoot, 'dist'), path.join(app, 'dist'), { recursive: true });
  fs.cpSync(path.join(repoRoot, 'mechanisms'), path.join(app, 'mechanisms'), { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(app, 'package.json'));
  fs.symlinkSync(nodeModules, path.join(app, 'node_modules'));
  log(`app folder ${app} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return app;
}

/** The oldest and newest modification times of the files of a folder (or of one file). */
function mtimes(p: string): { oldest: number; newest: number } {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return { oldest: st.mtimeMs, newest: st.mtimeMs };
  let oldest = Infinity;
  let newest = -Infinity;
  for (const e of fs.readdirSync(p)) {
    const m = mtimes(path.join(p, e));
    oldest = Math.min(oldest, m.oldest);
    newest = Math.max(newest, m.newest);
  }
  return { oldest, newest };
}

/** One worker or web process of the product. */
export interface AppProcess {
  readonly name: string;
  readonly kind: 'worker' | 'web';
  /** `http://127.0.0.1:<port>` for a web instance. */
  readonly url: string;
  readonly process: ChildProcess | undefined;
  /** The process's output so far. */
  output(): string;
  /** Starts it and waits until it serves (web: /readyz 200; worker: its "serving task queue" line). */
  start(): Promise<void>;
  /** Sends the signal (default SIGKILL) and waits for the process to be gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  readonly running: boolean;
}

/** Options of one app process: what to run, its environment (the rest of the image's), its port for web. */
export interface AppProcessOptions {
  appDir: string;
  kind: 'worker' | 'web';
  name: string;
  env: NodeJS.ProcessEnv;
  port?: number;
  logDir: string;
}

/** An app process, not started yet. */
export function appProcess(options: AppProcessOptions): AppProcess {
  let child: ChildProcess | undefined;
  let out = '';
  let exited: string | undefined;
  const url = options.port ? `http://127.0.0.1:${options.port}` : '';
  const args = options.kind === 'worker' ? [workerHeapFlag(), 'dist/src/workers/main.js'] : ['dist/src/api/main.js'];
  const self: AppProcess = {
    name: options.name,
    kind: options.kind,
    url,
    get process() {
      return child;
    },
    get running() {
      return !!child && child.exitCode === null && child.signalCode === null;
    },
    output: () => out,
    async start() {
      exited = undefined;
      const logFile = path.join(options.logDir, `${options.name}.log`);
      const c = spawn(process.execPath, args, {
        cwd: options.appDir,
        env: { ...options.env, ...(options.port && { PORT: String(options.port), HOST: '127.0.0.1' }) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = c;
      const append = (d: Buffer) => {
        out += d.toString();
        fs.appendFileSync(logFile, d);
      };
      c.stdout!.on('data', append);
      c.stderr!.on('data', append);
      c.once('exit', (code, signal) => {
        exited = `${options.name} exited (${signal ?? code}):\n${out.slice(-3000)}`;
      });
      const deadline = Date.now() + 240_000;
      const mark = out.length;
      for (;;) {
        if (exited && child === c) throw new Error(exited);
        if (options.kind === 'worker' && /serving task queue/.test(out.slice(mark))) return;
        if (options.kind === 'web') {
          const ok = await fetch(`${url}/readyz`).then(
            (r) => r.ok,
            () => false,
          );
          if (ok) return;
        }
        if (Date.now() > deadline) throw new Error(`${options.name} did not become ready:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async kill(signal = 'SIGKILL') {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill(signal);
      await gone;
    },
  };
  return self;
}
