/**
 * Row types of every table the store owns, as Kysely sees them. Column types are kept portable
 * between SQLite and PostgreSQL: text (ISO instants in UTC, dates as YYYY-MM-DD, JSON as text),
 * integer (booleans as 0/1) and nothing else.
 */
import type { Generated } from 'kysely';

export interface MechanismsTable {
  id: string;
  name: string;
  time_zone: string;
  /** The whole Mechanism domain object except contacts, as JSON (sides, pillars, holidays, policy...). */
  data: string;
  created_at: string;
  updated_at: string;
}

export interface ContactsTable {
  mechanism_id: string;
  id: string;
  name: string;
  email: string;
  organisation: string | null;
  side: string | null;
  language: string;
  time_zone: string | null;
  /** A calendar id other than the side's (migration 0003). */
  calendar: string | null;
  /** JSON: the title (`name`) and organisation in other languages, or null (migration 0007). */
  translations: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProjectsTable {
  mechanism_id: string;
  id: string;
  title: string;
  pillar: string;
  description: string | null;
  owner_id: string;
  supervisor_id: string | null;
  /** JSON object side id -> contact id. */
  focal_points: string;
  planned_start: string | null;
  planned_end: string | null;
  actual_start: string | null;
  actual_end: string | null;
  /** JSON `{ amount, currency }` or null. */
  budget: string | null;
  milestones: string;
  indicators: string;
  status: string;
  /** JSON: the title in other languages, or null (migration 0007). */
  translations: string | null;
  created_at: string;
  updated_at: string;
}

export interface CyclesTable {
  mechanism_id: string;
  quarter: string;
  workflow_id: string;
  phase: string;
  opened_at: string;
  closed_at: string | null;
  due_date: string | null;
  cutoff_at: string | null;
  updated_at: string;
}

export interface CycleProjectsTable {
  mechanism_id: string;
  quarter: string;
  project_id: string;
  owner_id: string;
  state: string;
  last_send_at: string | null;
  next_send_at: string | null;
  updated_at: string;
}

export interface SubmissionsTable {
  mechanism_id: string;
  quarter: string;
  project_id: string;
  revision: number;
  /** The Submission domain object as JSON. */
  body: string;
  submitted_by: string;
  received_at: string;
  late: number;
  workflow_id: string;
  step: string;
}

export interface DocumentsTable {
  id: string;
  mechanism_id: string;
  quarter: string;
  kind: string;
  version: number;
  format: string;
  path: string;
  sha256: string;
  bytes: number;
  created_at: string;
}

export interface SessionsTable {
  mechanism_id: string;
  quarter: string;
  /** Raised on each reschedule or cancellation: the calendar invitation's SEQUENCE. */
  sequence: number;
  status: string;
  starts_at: string;
  duration_minutes: number;
  venue: string;
  updated_at: string;
  /** JSON of what was recorded after the session (present, next meeting, notes) or null. */
  record: string | null;
}

export interface SessionAttendeesTable {
  mechanism_id: string;
  quarter: string;
  contact_id: string;
  role: string;
  /** 1 present, 0 absent, null not yet recorded. */
  present: number | null;
}

export interface DecisionsTable {
  mechanism_id: string;
  id: string;
  quarter: string;
  text: string;
  projects: string;
  recorded_at: string;
}

export interface ActionItemsTable {
  mechanism_id: string;
  id: string;
  quarter: string;
  decision_id: string | null;
  title: string;
  owner_id: string;
  side: string | null;
  due_date: string;
  projects: string;
  state: string;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: string;
  created_at: string;
  disabled_at: string | null;
  /** The pages' language the user chose (migration 0008), or null. */
  language: string | null;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  token_hash: string;
  user_id: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** `read` or `write` (write includes read). */
  scope: string;
  expires_at: string | null;
}

/** A secretariat web session (server-side, so it can be ended at once); the session id is kept only as its SHA-256. */
export interface WebSessionsTable {
  sid_hash: string;
  user_id: string | null;
  /** The session's JSON (user id, CSRF secret, cookie options). */
  data: string;
  expires_at: string;
}

export interface OwnerLinksTable {
  token_hash: string;
  mechanism_id: string;
  quarter: string;
  project_id: string;
  contact_id: string;
  issued_at: string;
  expires_at: string;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: string;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  details: string | null;
}

/** Idempotency keys of workflow writes that have no natural unique key: the first answer, replayed on a retry. */
export interface WorkflowStepsTable {
  workflow_id: string;
  step: string;
  result: string;
  at: string;
}

/** A submission as received, before (pending) and after (applied, refused) its workflow decided (issue 15). */
export interface IntakeTable {
  mechanism_id: string;
  quarter: string;
  project_id: string;
  key: string;
  /** SubmitUpdateInput as JSON. */
  body: string;
  based_on_revision: number | null;
  received_at: string;
  status: string;
  revision: number | null;
  late: number | null;
  applied_at: string | null;
  refusal_code: string | null;
  refusal_message: string | null;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string;
  updated_at: string;
}

export interface SchemaMigrationsTable {
  name: string;
  applied_at: string;
}

/** Every table of the records database. Other modules (the outbox) extend this with their own tables. */
export interface Database {
  mechanisms: MechanismsTable;
  contacts: ContactsTable;
  projects: ProjectsTable;
  cycles: CyclesTable;
  cycle_projects: CycleProjectsTable;
  submissions: SubmissionsTable;
  documents: DocumentsTable;
  sessions: SessionsTable;
  session_attendees: SessionAttendeesTable;
  decisions: DecisionsTable;
  action_items: ActionItemsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  web_sessions: WebSessionsTable;
  owner_links: OwnerLinksTable;
  audit_log: AuditLogTable;
  workflow_steps: WorkflowStepsTable;
  intake: IntakeTable;
  schema_migrations: SchemaMigrationsTable;
}
