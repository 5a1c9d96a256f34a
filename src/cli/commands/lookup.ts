import fs from 'node:fs';
import { InvalidArgumentError } from 'commander';
import type { Mechanism, Quarter } from '../../domain';
import type { Store } from '../../store';
import { NotFoundError, UsageError } from '../errors';

/** The mechanism with this id, or exit code 3 naming it. */
export async function requireMechanism(store: Store, mechanismId: string): Promise<Mechanism> {
  const mechanism = await store.mechanisms.get(mechanismId);
  if (!mechanism) throw new NotFoundError(`no mechanism "${mechanismId}" (see: coord mechanism list)`);
  return mechanism;
}

/** A quarter argument (`2026-Q1`), or exit code 2. */
export async function parseQuarterArg(value: string): Promise<Quarter> {
  const { isoQuarter } = await import('../../domain');
  const parsed = isoQuarter.safeParse(value);
  if (!parsed.success) throw new UsageError(`"${value}" is not a quarter: write it like 2026-Q1`);
  return parsed.data;
}

/** A file that must exist, or exit code 3 naming it. */
export function requireFile(file: string): string {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new NotFoundError(`no file "${file}"`);
  return file;
}

/** Parser of a positive whole number option (`--limit`, `--days`); commander turns its error into a usage error (2). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1.');
  return n;
}
