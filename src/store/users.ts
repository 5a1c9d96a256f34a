import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Language } from '../domain';
import type { Database, UsersTable } from './schema';
import { hashPassword, verifyPassword } from './secrets';
import { toIso } from './steps';

/** Roles of users: `admin` manages users, tokens and schedules; `secretariat` runs cycles; `observer` only reads. */
export type UserRole = 'admin' | 'secretariat' | 'observer';

/** A secretariat user as the application sees it (never the password hash). */
export interface User {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  createdAt: string;
  disabledAt?: string;
  /** The language of the pages the user chose (the switch on every page); none: the browser's. */
  language?: Language;
}

function fromRow(r: UsersTable): User {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role as UserRole,
    createdAt: r.created_at,
    ...(r.disabled_at !== null && { disabledAt: r.disabled_at }),
    ...(Language.safeParse(r.language).success && { language: r.language as Language }),
  };
}

/** Secretariat users; passwords are stored only as scrypt hashes. Emails are compared case-insensitively. */
export function createUserRepository(db: Kysely<Database>) {
  // Hashed once per process: an unknown address is checked against it, so a failed sign-in costs one scrypt either
  // way and its duration does not tell whether the address has an account.
  let dummyHash: Promise<string> | undefined;
  const byEmail = (email: string) =>
    db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  return {
    /** Creates a user; throws if the email is taken. */
    async create(input: {
      email: string;
      name: string;
      password: string;
      role?: UserRole;
      language?: Language;
      at?: string | Date;
    }): Promise<User> {
      const row: UsersTable = {
        id: randomUUID(),
        email: input.email.trim().toLowerCase(),
        name: input.name,
        password_hash: await hashPassword(input.password),
        role: input.role ?? 'secretariat',
        created_at: toIso(input.at),
        disabled_at: null,
        language: input.language ?? null,
      };
      await db.insertInto('users').values(row).execute();
      return fromRow(row);
    },
    /** The user for these credentials, or undefined (unknown email, wrong password or disabled). */
    async authenticate(email: string, password: string): Promise<User | undefined> {
      const r = await byEmail(email);
      dummyHash ??= hashPassword('not a password of anyone');
      const ok = await verifyPassword(password, r ? r.password_hash : await dummyHash);
      return r && ok && r.disabled_at === null ? fromRow(r) : undefined;
    },
    /** Enables a disabled user again (a new password is not needed; sessions ended when it was disabled stay ended). */
    async enable(id: string): Promise<void> {
      await db.updateTable('users').set({ disabled_at: null }).where('id', '=', id).execute();
    },
    /** Sets the language of the user's pages. */
    async setLanguage(id: string, language: Language): Promise<void> {
      await db.updateTable('users').set({ language }).where('id', '=', id).execute();
    },
    /** Replaces a user's password. */
    async setPassword(id: string, password: string): Promise<void> {
      await db
        .updateTable('users')
        .set({ password_hash: await hashPassword(password) })
        .where('id', '=', id)
        .execute();
    },
    /** Disables a user (kept for the audit trail, never deleted). */
    async disable(id: string, at?: string | Date): Promise<void> {
      await db
        .updateTable('users')
        .set({ disabled_at: toIso(at) })
        .where('id', '=', id)
        .where('disabled_at', 'is', null)
        .execute();
    },
    /** One user by id. */
    async get(id: string): Promise<User | undefined> {
      const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return r && fromRow(r);
    },
    /** One user by email. */
    async findByEmail(email: string): Promise<User | undefined> {
      const r = await byEmail(email);
      return r && fromRow(r);
    },
    /** All users, by email. */
    async list(): Promise<User[]> {
      return (await db.selectFrom('users').selectAll().orderBy('email').execute()).map(fromRow);
    },
  };
}

/** The user repository's interface. */
export type UserRepository = ReturnType<typeof createUserRepository>;
