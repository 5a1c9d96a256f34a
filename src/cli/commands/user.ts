import { Option, type Command } from 'commander';
import { endUserAccess, type Store, type UserRole } from '../../store';
import { action, type Runtime } from '../action';
import { CliError, ExitCode, NotFoundError, UsageError } from '../errors';
import { promptPassword, readPasswordFromStdin } from '../password';
import { formatTable } from '../table';

/** Shortest password accepted for a secretariat login. */
const MIN_PASSWORD = 12;

/**
 * `coord user add|list|disable|enable|password`: logins for the web pages. Passwords never come from an argument
 * (a terminal prompt, or stdin with --password-stdin). Disabling a user and resetting a password end every session
 * and API token of that user at once.
 */
export function registerUserCommands(program: Command, runtime: Runtime): void {
  const user = program.command('user').description('manage secretariat users (web page logins)');

  user
    .command('add')
    .description(
      `create a user; the password (at least ${MIN_PASSWORD} characters) is read from stdin with --password-stdin, or asked for on the terminal`,
    )
    .argument('<email>', 'login email')
    .requiredOption('--name <name>', 'full name, as shown in the audit trail')
    .addOption(
      new Option('--role <role>', 'admin: users, tokens, schedules; secretariat: runs cycles; observer: reads only')
        .choices(['admin', 'secretariat', 'observer'])
        .default('secretariat'),
    )
    .option('--password-stdin', 'read the password from stdin (for scripts)')
    .addHelpText(
      'after',
      "\nExamples:\n  coord user add officer@example.org --name 'Secretariat Officer'\n  printf '%s' \"$PASSWORD\" | coord user add ops@example.org --name Operator --role admin --password-stdin",
    )
    .action(
      action(
        runtime,
        async (ctx, emailArg: string, opts: { name: string; role: UserRole; passwordStdin?: boolean }) => {
          const { email: Email } = await import('../../domain');
          const email = Email.safeParse(emailArg.trim());
          if (!email.success) throw new UsageError(`"${emailArg}" is not an email address`);
          const name = opts.name.trim();
          if (!name) throw new UsageError('--name must not be empty');
          const password = await newPassword(ctx.io, opts.passwordStdin);
          const store = await ctx.store();
          if (await store.users.findByEmail(email.data))
            throw new CliError(`a user with email ${email.data} already exists`, ExitCode.failure, 'conflict');
          const created = await store.users.create({ email: email.data, name, password, role: opts.role });
          await store.audit.append({
            actor: ctx.actor(),
            action: 'user.created',
            entityType: 'user',
            entityId: created.id,
            details: { role: created.role },
          });
          ctx.out.result({ user: created }, () => `user ${created.email} created (${created.role}, id ${created.id})`);
        },
      ),
    );

  user
    .command('list')
    .description('list users')
    .action(
      action(runtime, async (ctx) => {
        const users = await (await ctx.store()).users.list();
        ctx.out.result({ users }, () =>
          users.length === 0
            ? 'no users yet (coord user add <email> --name <name>)'
            : formatTable(
                [
                  { header: 'EMAIL', value: (u) => u.email },
                  { header: 'NAME', value: (u) => u.name },
                  { header: 'ROLE', value: (u) => u.role },
                  { header: 'CREATED', value: (u) => u.createdAt.slice(0, 10) },
                  { header: 'DISABLED', value: (u) => u.disabledAt?.slice(0, 10) },
                ],
                users,
              ),
        );
      }),
    );

  user
    .command('disable')
    .description(
      'stop a user from signing in; every session and API token of the user ends at once (kept for the audit trail)',
    )
    .argument('<email>', 'login email')
    .action(
      action(runtime, async (ctx, email: string) => {
        const store = await ctx.store();
        const found = await userOr404(store, email);
        await store.users.disable(found.id);
        const ended = await endUserAccess(store, found.id, new Date());
        await store.audit.append({
          actor: ctx.actor(),
          action: 'user.disabled',
          entityType: 'user',
          entityId: found.id,
          details: ended,
        });
        ctx.out.result(
          { user: found.id, disabled: true, ...ended },
          () =>
            `user ${found.email} disabled; ${ended.sessions} session(s) ended, ${ended.tokens} API token(s) revoked`,
        );
      }),
    );

  user
    .command('enable')
    .description('let a disabled user sign in again (revoked API tokens stay revoked)')
    .argument('<email>', 'login email')
    .action(
      action(runtime, async (ctx, email: string) => {
        const store = await ctx.store();
        const found = await userOr404(store, email);
        await store.users.enable(found.id);
        await store.audit.append({
          actor: ctx.actor(),
          action: 'user.enabled',
          entityType: 'user',
          entityId: found.id,
        });
        ctx.out.result({ user: found.id, enabled: true }, () => `user ${found.email} enabled`);
      }),
    );

  user
    .command('password')
    .description(
      `reset a user's password (asked on the terminal, or read from stdin with --password-stdin); every session and API token of the user ends`,
    )
    .argument('<email>', 'login email')
    .option('--password-stdin', 'read the new password from stdin (for scripts)')
    .addHelpText(
      'after',
      '\nExample:\n  printf \'%s\' "$NEW_PASSWORD" | coord user password officer@example.org --password-stdin',
    )
    .action(
      action(runtime, async (ctx, email: string, opts: { passwordStdin?: boolean }) => {
        const password = await newPassword(ctx.io, opts.passwordStdin);
        const store = await ctx.store();
        const found = await userOr404(store, email);
        await store.users.setPassword(found.id, password);
        const ended = await endUserAccess(store, found.id, new Date());
        await store.audit.append({
          actor: ctx.actor(),
          action: 'user.password-reset',
          entityType: 'user',
          entityId: found.id,
          details: ended,
        });
        ctx.out.result(
          { user: found.id, passwordReset: true, ...ended },
          () =>
            `password of ${found.email} reset; ${ended.sessions} session(s) ended, ${ended.tokens} API token(s) revoked`,
        );
      }),
    );
}

async function userOr404(store: Store, email: string) {
  const found = await store.users.findByEmail(email);
  if (!found) throw new NotFoundError(`no user with email ${email} (see: coord user list)`);
  return found;
}

/** A new password from stdin or the terminal (asked twice), at least MIN_PASSWORD characters. */
async function newPassword(io: Runtime['io'], fromStdin: boolean | undefined): Promise<string> {
  const password = fromStdin ? await readPasswordFromStdin(io.stdin) : await promptTwice(io);
  if ([...password].length < MIN_PASSWORD)
    throw new UsageError(`the password must have at least ${MIN_PASSWORD} characters`);
  return password;
}

async function promptTwice(io: Runtime['io']): Promise<string> {
  const first = await promptPassword(io, 'Password: ');
  const second = await promptPassword(io, 'Repeat password: ');
  if (first !== second) throw new UsageError('the two passwords differ');
  return first;
}
