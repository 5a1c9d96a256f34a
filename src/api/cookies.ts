/**
 * Minimal cookie reading and writing for the session cookie. (@fastify/cookie loads its parser with a dynamic
 * `import()`, which Jest's CommonJS sandbox cannot run; the one cookie we need does not justify that.)
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The value of one cookie of the request, or undefined. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string' || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Sets a cookie: always HttpOnly, SameSite=Lax, Path=/; Secure when asked; expired when `expires` is in the past. */
export function writeCookie(reply: FastifyReply, name: string, value: string, options: { expires: Date; secure: boolean }): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Expires=${options.expires.toUTCString()}`];
  if (options.secure) parts.push('Secure');
  reply.header('set-cookie', parts.join('; '));
}
