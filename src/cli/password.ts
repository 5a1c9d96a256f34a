import { UsageError } from './errors';
import type { Io } from './output';

/** Longest password accepted (scrypt is happy with more, but a pasted file by mistake is not a password). */
const MAX_LENGTH = 1024;

/** Reads all of stdin (for `--password-stdin`); the trailing newline of `echo` or a file is not part of the password. */
export async function readPasswordFromStdin(stdin: Io['stdin']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > MAX_LENGTH + 2) throw new UsageError(`the password on stdin is longer than ${MAX_LENGTH} characters`);
    chunks.push(b);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * Asks for a password on the terminal without echoing it. Only on a terminal: a script must use
 * `--password-stdin`, so that a password never appears in an argument list (visible in `ps`).
 */
export async function promptPassword(io: Io, prompt: string): Promise<string> {
  const { stdin, stderr } = io;
  if (!stdin.isTTY || !stdin.setRawMode)
    throw new UsageError('no terminal to ask for the password: pipe it in with --password-stdin');
  stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      const onData = (data: Buffer | string) => {
        for (const ch of data.toString('utf8')) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            stdin.off('data', onData);
            stderr.write('\n');
            return resolve(value);
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            stderr.write('\n');
            return reject(new UsageError('cancelled'));
          }
          if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
          else if (value.length < MAX_LENGTH) value += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}
