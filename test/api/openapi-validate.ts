/**
 * Validates an OpenAPI document with @apidevtools/swagger-parser in a child Node process: the parser's ESM-only
 * dependency cannot be loaded inside Jest's CommonJS sandbox, but plain Node 20 loads it fine.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Resolves when the document is valid OpenAPI; rejects with the validator's message otherwise. */
export async function validateOpenApi(doc: unknown): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-openapi-'));
  const file = path.join(dir, 'openapi.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  const script = `require('@apidevtools/swagger-parser').validate(process.argv[1]).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); })`;
  try {
    await new Promise<void>((resolve, reject) =>
      execFile(
        process.execPath,
        ['-e', script, file],
        { cwd: path.join(__dirname, '..', '..') },
        (err, _out, stderr) => (err ? reject(new Error(`OpenAPI document invalid: ${stderr.trim()}`)) : resolve()),
      ),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
