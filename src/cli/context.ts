import os from 'node:os';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Store } from '../store';
import { CliError, ExitCode } from './errors';
import { Output, type Io } from './output';
import { createProgress, type Progress } from './progress';

/**
 * What a command needs, opened lazily so `coord --help` and usage errors touch neither the database
 * nor Temporal, and closed once at the end whatever happened. The store and Temporal modules are
 * required only when first used: loading them costs seconds under ts-node, which `--help` should not pay.
 */
export class CommandContext {
  private cachedConfig?: Config;
  private storePromise?: Promise<Store>;
  private clientPromise?: Promise<Client>;
  /** The command's output (JSON or human). */
  readonly out: Output;
  /** Progress lines on stderr. */
  readonly progress: Progress;

  constructor(
    readonly io: Io,
    json: boolean,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.out = new Output(io, json);
    this.progress = createProgress(io.stderr);
  }

  /** The same configuration as the server (environment and `.env`); a bad value exits with code 2. */
  config(): Config {
    if (!this.cachedConfig) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see the class comment)
      const { ConfigError, loadConfig, loadDotenv } = require('../config') as typeof import('../config');
      if (this.env === process.env) loadDotenv();
      try {
        this.cachedConfig = loadConfig(this.env);
      } catch (err) {
        if (err instanceof ConfigError) throw new CliError(err.message, ExitCode.usage, 'configuration');
        throw err;
      }
    }
    return this.cachedConfig;
  }

  /** The records store the server uses (SQLite in DATA_DIR, or DATABASE_URL). */
  store(): Promise<Store> {
    this.storePromise ??= (async () => {
      const c = this.config();
      const { openStore } = await import('../store');
      return openStore({ dataDir: c.dataDir, databaseUrl: c.DATABASE_URL });
    })();
    return this.storePromise;
  }

  /**
   * A Temporal client for TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE; an unreachable server is an operation failure (1).
   * `readerWithFallback` (a read that shows the records when Temporal does not answer): connected on first use, no
   * retries, so an outage costs no connection wait.
   */
  temporal(options: { readerWithFallback?: boolean } = {}): Promise<Client> {
    this.clientPromise ??= (async () => {
      const c = this.config();
      const { connectClient } = await import('../temporal/connection');
      try {
        return await connectClient(c, options);
      } catch (err) {
        throw new CliError(
          `cannot reach Temporal at ${c.temporalAddress}: ${(err as Error).message}`,
          ExitCode.failure,
          'temporal-unreachable',
        );
      }
    })();
    return this.clientPromise;
  }

  /** Who is acting, for the audit trail: `cli:<operating-system user>`. */
  actor(): string {
    let user = 'unknown';
    try {
      user = os.userInfo().username;
    } catch {
      // No passwd entry (some containers): the audit still says it came from the CLI.
    }
    return `cli:${user}`;
  }

  /** Closes what was opened; never throws (the command's own outcome matters more). */
  async close(): Promise<void> {
    this.progress.done();
    const results = await Promise.allSettled([this.storePromise, this.clientPromise]);
    const [store, client] = results.map((r) => (r.status === 'fulfilled' ? r.value : undefined)) as [
      Store | undefined,
      Client | undefined,
    ];
    await Promise.allSettled([store?.close(), client?.connection.close()]);
  }
}
