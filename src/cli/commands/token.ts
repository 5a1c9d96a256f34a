import type { Command } from 'commander';
import { action, type Runtime } from '../action';
import { NotFoundError, UsageError } from '../errors';
import { formatTable } from '../table';

/** `coord token create|list|revoke`: bearer tokens for the HTTP API. The raw token is shown once and stored hashed. */
export function registerTokenCommands(program: Command, runtime: Runtime): void {
  const token = program.command('token').description('manage API tokens for automation');

  token
    .command('create')
    .description('create an API token and print it once (only its hash is stored: copy it now)')
    .requiredOption('--name <label>', 'what the token is for, e.g. "reporting script"')
    .option('--user <email>', 'act as this user in the audit trail')
    .addHelpText('after', "\nExample:\n  coord token create --name 'monthly export'\n  curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:3000/api/v1/mechanisms")
    .action(
      action(runtime, async (ctx, opts: { name: string; user?: string }) => {
        const name = opts.name.trim();
        if (!name || name.length > 200) throw new UsageError('--name must have 1 to 200 characters');
        const store = await ctx.store();
        let userId: string | undefined;
        if (opts.user) {
          const user = await store.users.findByEmail(opts.user);
          if (!user) throw new NotFoundError(`no user with email ${opts.user} (see: coord user list)`);
          userId = user.id;
        }
        const created = await store.apiTokens.create({ name, userId });
        await store.audit.append({ actor: ctx.actor(), action: 'token.created', entityType: 'api-token', entityId: created.id, details: { name } });
        ctx.out.result({ id: created.id, name, token: created.token }, () => created.token);
        if (!ctx.out.json) ctx.out.note(`token "${name}" created (id ${created.id}). It is shown only this once: store it now.`);
      }),
    );

  token
    .command('list')
    .description('list API tokens (never the tokens themselves)')
    .action(
      action(runtime, async (ctx) => {
        const tokens = await (await ctx.store()).apiTokens.list();
        ctx.out.result({ tokens }, () =>
          tokens.length === 0
            ? 'no API tokens'
            : formatTable(
                [
                  { header: 'ID', value: (t) => t.id },
                  { header: 'NAME', value: (t) => t.name },
                  { header: 'CREATED', value: (t) => t.createdAt.slice(0, 16).replace('T', ' ') },
                  { header: 'LAST USED', value: (t) => t.lastUsedAt?.slice(0, 16).replace('T', ' ') },
                  { header: 'REVOKED', value: (t) => t.revokedAt?.slice(0, 16).replace('T', ' ') },
                ],
                tokens,
              ),
        );
      }),
    );

  token
    .command('revoke')
    .description('revoke an API token: it stops working at once')
    .argument('<id>', 'token id (see: coord token list)')
    .action(
      action(runtime, async (ctx, id: string) => {
        const store = await ctx.store();
        const found = (await store.apiTokens.list()).find((t) => t.id === id);
        if (!found) throw new NotFoundError(`no API token with id ${id}`);
        await store.apiTokens.revoke(id);
        await store.audit.append({ actor: ctx.actor(), action: 'token.revoked', entityType: 'api-token', entityId: id });
        ctx.out.result({ id, revoked: true }, () => `token ${id} ("${found.name}") revoked`);
      }),
    );
}
