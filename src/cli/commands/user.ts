import { Option, type Command } from 'commander';
import type { UserRole } from '../../store';
import { action, type Runtime } from '../action';
import { CliError, ExitCode, UsageError } from '../errors';
import { promptPassword, readPasswordFromStdin } from '../password';
import { formatTable } from '../table';

/** Shortest password accepted for a secretariat login. */
const MIN_PASSWORD = 12;

/** `coord user add|list`: secretariat logins for the web pages. Passwords never come from an argument. */
export function registerUserCommands(program: Command, runtime: Runtime): void {
  const user = program.command('user').description('manage secretariat users (web page logins)');

  user
    .command('add')
    .description(`create a user; the password (at least ${MIN_PASSWORD} characters) is read from stdin with --password-stdin, or asked for on the terminal`)
    .argument('<email>', 'login email')
    .requiredOption('--name <name>', 'full name, as shown in the audit trail')
    .addOption(new Option('--role <role>', 'what the user may do').choices(['secretariat', 'admin']).default('secretariat'))
    .option('--password-stdin', 'read the password from stdin (for scripts)')
    .addHelpText('after', "\nExamples:\n  coord user add officer@example.org --name 'Secretariat Officer'\n  printf '%s' \"$PASSWORD\" | coord user add ops@example.org --name Operator --role admin --password-stdin")
    .action(
      action(runtime, async (ctx, emailArg: string, opts: { name: string; role: UserRole; passwordStdin?: boolean }) => {
        const { email: Email } = await import('../../domain');
        const email = Email.safeParse(emailArg.trim());
        if (!email.success) throw new UsageError(`"${emailArg}" is not an email address`);
        const name = opts.name.trim();
        if (!name) throw new UsageError('--name must not be empty');
        const password = opts.passwordStdin ? await readPasswordFromStdin(ctx.io.stdin) : await promptTwice(ctx.io);
        if ([...password].length < MIN_PASSWORD) throw new UsageError(`the password must have at least ${MIN_PASSWORD} characters`);
        const store = await ctx.store();
        if (await store.users.findByEmail(email.data)) throw new CliError(`a user with email ${email.data} already exists`, ExitCode.failure, 'conflict');
        const created = await store.users.create({ email: email.data, name, password, role: opts.role });
        await store.audit.append({ actor: ctx.actor(), action: 'user.created', entityType: 'user', entityId: created.id, details: { role: created.role } });
        ctx.out.result({ user: created }, () => `user ${created.email} created (${created.role}, id ${created.id})`);
      }),
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
}

async function promptTwice(io: Runtime['io']): Promise<string> {
  const first = await promptPassword(io, 'Password: ');
  const second = await promptPassword(io, 'Repeat password: ');
  if (first !== second) throw new UsageError('the two passwords differ');
  return first;
}
