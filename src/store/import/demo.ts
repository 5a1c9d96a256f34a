import fs from 'node:fs';
import path from 'node:path';
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

/** Loads the demo mechanism when the database has no mechanism yet (what `npm start` does); returns whether it loaded. */
export async function loadDemoIfEmpty(store: Store, file: string = DEMO_MECHANISM_FILE): Promise<boolean> {
  if (!(await store.mechanisms.isEmpty())) return false;
  await importMechanismFile(store, file, { actor: 'system' });
  return true;
}
