import { Option, type Command } from 'commander';
import type { TokenScope } from '../../store';
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
    .option(
      '--user <email>',
      "act as this user: never more than the user's role allows, and revoked when the user logs out, changes password or is disabled",
    )
    .addOption(
      new Option(
        '--scope <scope>',
        'read: only reads; write: also runs cycles (and, for an admin user, schedules and the outbox)',
      )
        .choices(['read', 'write'])
        .default('read'),
    )
    .option(
      '--expires <when>',
      'stop working at this date or instant (e.g. 2027-06-30 or 2027-06-30T17:00:00Z); default: until revoked',
    )
    .addHelpText(
      'after',
      "\nExamples:\n  coord token create --name 'monthly export'\n  coord token create --name 'cycle robot' --scope write --user ops@example.org --expires 2027-12-31\n  curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:3000/api/v1/mechanisms",
    )
    .action(
      action(runtime, async (ctx, opts: { name: string; user?: string; scope: TokenScope; expires?: string }) => {
        const name = opts.name.trim();
        if (!name || name.length > 200) throw new UsageError('--name must have 1 to 200 characters');
        let expiresAt: Date | undefined;
        if (opts.expires !== undefined) {
          expiresAt = new Date(/^\d{4}-\d{2}-\d{2}$/.test(opts.expires) ? `${opts.expires}T23:59:59Z` : opts.expires);
          if (Number.isNaN(expiresAt.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(opts.expires))
            throw new UsageError(
              `--expires "${opts.expires}" is not a date like 2027-06-30 or an instant like 2027-06-30T17:00:00Z`,
            );
          if (expiresAt.getTime() <= Date.now()) throw new UsageError('--expires must be in the future');
        }
        const store = await ctx.store();
        let userId: string | undefined;
        if (opts.user) {
          const user = await store.users.findByEmail(opts.user);
          if (!user) throw new NotFoundError(`no user with email ${opts.user} (see: coord user list)`);
          userId = user.id;
        }
        const created = await store.apiTokens.create({
          name,
          userId,
          scope: opts.scope,
          ...(expiresAt && { expiresAt }),
        });
        await store.audit.append({
          actor: ctx.actor(),
          action: 'token.created',
          entityType: 'api-token',
          entityId: created.id,
          details: { name, scope: opts.scope, ...(expiresAt && { expiresAt: expiresAt.toISOString() }) },
        });
        ctx.out.result(
          {
            id: created.id,
            name,
            scope: opts.scope,
            ...(expiresAt && { expiresAt: expiresAt.toISOString() }),
            token: created.token,
          },
          () => created.token,
        );
        if (!ctx.out.json)
          ctx.out.note(`token "${name}" created (id ${created.id}). It is shown only this once: store it now.`);
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
                  { header: 'SCOPE', value: (t) => t.scope },
                  { header: 'EXPIRES', value: (t) => t.expiresAt?.slice(0, 16).replace('T', ' ') },
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
        await store.audit.append({
          actor: ctx.actor(),
          action: 'token.revoked',
          entityType: 'api-token',
          entityId: id,
        });
        ctx.out.result({ id, revoked: true }, () => `token ${id} ("${found.name}") revoked`);
      }),
    );
}
