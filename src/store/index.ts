/**
 * The records store (issue 4): the secretariat's records, kept for years in SQLite (embedded
 * default, `<dataDir>/coordination.sqlite`) or PostgreSQL (`DATABASE_URL`), independent of
 * Temporal's retention. `openStore` opens the database, applies the migrations and returns the
 * repositories.
 */
import type { Kysely } from 'kysely';
import { createActionItemRepository } from './action-items';
import { createApiTokenRepository } from './api-tokens';
import { createAuditLog } from './audit';
import { createCycleRepository } from './cycles';
import { createDecisionRepository } from './decisions';
import { type DialectName, openPostgres, openSqlite } from './dialect';
import { createDocumentRepository } from './documents';
import { createIntakeRepository } from './intake';
import { createMechanismRepository } from './mechanisms';
import { migrations as defaultMigrations, type Migration } from './migrations';
import { runMigrations } from './migrations/run';
import { createOwnerLinkRepository } from './owner-links';
import { createOutboxRepository } from './outbox';
import { createProjectRepository } from './projects';
import type { Database } from './schema';
import { createSessionRepository } from './sessions';
import { createSubmissionRepository } from './submissions';
import { createTrendQueries } from './trends';
import { createUserRepository } from './users';
import { createWebSessionRepository } from './web-sessions';

export type * from './schema';
export type { ActionItemRecord, ActionItemRepository } from './action-items';
export type { ApiToken, ApiTokenRepository, TokenScope } from './api-tokens';
export type { AuditEntry, AuditFilter, AuditLog } from './audit';
export type { CycleProjectRecord, CycleRecord, CycleRepository } from './cycles';
export type { DecisionRecord, DecisionRepository } from './decisions';
export { DocumentConflictError } from './documents';
export type { DocumentFormat, DocumentKind, DocumentRecord, DocumentRepository } from './documents';
export type { DialectName } from './dialect';
export type { IntakeId, IntakeRecord, IntakeRepository, IntakeStatus } from './intake';
export type { MechanismRepository } from './mechanisms';
export type { Migration } from './migrations';
export type { OwnerLinkBinding, OwnerLinkRepository } from './owner-links';
export type { ProjectRepository } from './projects';
export type { SessionRepository, SessionStatus, StoredSession } from './sessions';
export type { StepKey } from './steps';
export { oncePerStep } from './steps';
export type { SubmissionRecord, SubmissionRepository } from './submissions';
export * from './trends';
export type { User, UserRepository, UserRole } from './users';
export type { WebSessionRepository } from './web-sessions';
export { importMechanismFile, type ImportCounts, MechanismFileError } from './import/mechanism-file';
export {
  importPortfolio,
  PORTFOLIO_COLUMNS,
  type PortfolioImportResult,
  type PortfolioRowError,
} from './import/portfolio';
export { loadDemoIfEmpty, DEMO_MECHANISM_FILE } from './import/demo';

/** Where the records live. */
export interface StoreConfig {
  dataDir: string;
  /** `postgres://...`; unset means SQLite in `dataDir`. */
  databaseUrl?: string;
  /** Migrations to apply; defaults to all of the project's. */
  migrations?: Migration[];
}

function repositories(db: Kysely<Database>) {
  return {
    mechanisms: createMechanismRepository(db),
    projects: createProjectRepository(db),
    cycles: createCycleRepository(db),
    submissions: createSubmissionRepository(db),
    intake: createIntakeRepository(db),
    documents: createDocumentRepository(db),
    sessions: createSessionRepository(db),
    decisions: createDecisionRepository(db),
    actionItems: createActionItemRepository(db),
    users: createUserRepository(db),
    apiTokens: createApiTokenRepository(db),
    ownerLinks: createOwnerLinkRepository(db),
    webSessions: createWebSessionRepository(db),
    audit: createAuditLog(db),
    outbox: createOutboxRepository(db),
    trends: createTrendQueries(db),
  };
}

/** The open records store: repositories, the Kysely instance for other modules' tables, and close(). */
export type Store = ReturnType<typeof repositories> & {
  /** The Kysely instance, for transactions across repositories. */
  db: Kysely<Database>;
  dialect: DialectName;
  /** Closes the database (the pool for PostgreSQL). */
  close(): Promise<void>;
};

/**
 * Ends every web session and revokes every API token of a user at once: what logout, a password change and
 * disabling the user do. Returns how many of each ended.
 */
export async function endUserAccess(
  store: Pick<Store, 'webSessions' | 'apiTokens'>,
  userId: string,
  at?: Date,
): Promise<{ sessions: number; tokens: number }> {
  const [sessions, tokens] = await Promise.all([
    store.webSessions.endForUser(userId),
    store.apiTokens.revokeForUser(userId, at),
  ]);
  return { sessions, tokens };
}

/** Opens the store for a configuration, applies pending migrations, and returns it ready to use. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const dialect: DialectName = config.databaseUrl ? 'postgres' : 'sqlite';
  const db = config.databaseUrl ? openPostgres(config.databaseUrl) : openSqlite(config.dataDir);
  try {
    await runMigrations(db, dialect, config.migrations ?? defaultMigrations);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { ...repositories(db), db, dialect, close: () => db.destroy() };
}
