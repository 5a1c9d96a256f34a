import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { CyclePolicy } from '../../domain';
import type { Store } from '../index';
import { importMechanismFile } from './mechanism-file';

function findDemoFile(): string {
  // From src/store/import (ts-node) or dist/src/store/import (build): walk up to the folder holding mechanisms/.
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'mechanisms', 'cn-ls.yaml');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve(__dirname, '../../../mechanisms/cn-ls.yaml');
}

/** Path of the demo mechanism file (China-Lesotho) shipped in `mechanisms/cn-ls.yaml`. */
export const DEMO_MECHANISM_FILE = findDemoFile();

/**
 * Loads the demo mechanism when the database has no mechanism yet (what `npm start` does); returns whether it loaded.
 * `policy` overrides parts of the file's policy (`npm start` makes the demo's requests go out at once).
 */
export async function loadDemoIfEmpty(
  store: Store,
  file: string = DEMO_MECHANISM_FILE,
  options: { policy?: Partial<CyclePolicy> } = {},
): Promise<boolean> {
  if (!(await store.mechanisms.isEmpty())) return false;
  if (options.policy) {
    const data = YAML.parse(fs.readFileSync(file, 'utf8')) as { policy?: Record<string, unknown> };
    data.policy = { ...data.policy, ...options.policy };
    await importMechanismFile(store, { text: YAML.stringify(data) }, { actor: 'system' });
  } else {
    await importMechanismFile(store, file, { actor: 'system' });
  }
  return true;
}
