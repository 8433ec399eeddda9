import { createAppContext } from '../../app/app.context.ts';
import { appError } from '../../errors/app-error.ts';
import { cliActor } from '../cli.actor.ts';
import { parseCliArgs } from '../cli.args.ts';
import { askHidden, generatePassword, readStdin } from '../cli.secret.ts';
import type { CliCommand, CliIo } from '../cli.types.ts';

const usage =
  'user add <email> --role viewer|editor|admin [--password-stdin | --generate] [--json]\n' +
  '       vitrina user password <email> [--password-stdin | --generate] [--json]\n' +
  '       vitrina user list [--json]';

const options = {
  role: { type: 'string' },
  'password-stdin': { type: 'boolean', default: false },
  generate: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

/**
 * The password for `user add` / `user password`: from stdin for scripts (--password-stdin), made up
 * and printed once (--generate, or whenever there is no terminal to ask on), else asked twice.
 */
async function choosePassword(values: { 'password-stdin': boolean; generate: boolean }) {
  if (values['password-stdin'] && values.generate) {
    throw appError('CLI_USAGE', { details: 'Use either --password-stdin or --generate, not both.' });
  }
  if (values['password-stdin']) return { password: await readStdin(), generated: false };
  if (values.generate || !process.stdin.isTTY) return { password: generatePassword(), generated: true };
  const password = await askHidden('Password: ');
  if ((await askHidden('Repeat the password: ')) !== password) throw appError('PASSWORD_MISMATCH');
  return { password, generated: false };
}

function report(
  io: CliIo,
  json: boolean,
  user: { email: string; role: string },
  password: string | null,
  verb: string,
) {
  if (password) io.err('The password is shown once; store it now.');
  if (json) io.out(JSON.stringify({ email: user.email, role: user.role, ...(password ? { password } : {}) }));
  else io.out(`${verb} ${user.email} (${user.role})${password ? `\npassword: ${password}` : ''}`);
}

export const userCommand: CliCommand = {
  name: 'user',
  usage: 'user add|password|list [<email>] [--role R] [--password-stdin|--generate] [--json]',
  summary: 'add a user, set a password, list users',
  async run(argv, { config, io }) {
    const { values, positionals } = parseCliArgs(argv, options, usage);
    const [action, email, ...extra] = positionals;
    const fail = (why: string) => appError('CLI_USAGE', { details: `${why}Usage: vitrina ${usage}` });
    if (extra.length || !action || (action !== 'list' && !email)) throw fail('');
    if (!['add', 'password', 'list'].includes(action)) throw fail(`Unknown action "${action}".\n`);
    if (action === 'add' && !values.role) throw fail('--role is required.\n');
    // asked before the database opens: an embedded store stays free while someone types
    const chosen = action === 'list' ? null : await choosePassword(values);
    const ctx = await createAppContext(config);
    try {
      if (action === 'add') {
        const { password, generated } = chosen!;
        const { user } = await ctx.auth.addUser({ email: email!, role: values.role!, password }, cliActor());
        report(io, values.json, user, generated ? password : null, 'added');
      } else if (action === 'password') {
        const { password, generated } = chosen!;
        const user = await ctx.auth.setPassword(email!, password, cliActor());
        report(io, values.json, user, generated ? password : null, 'new password for');
      } else {
        const users = (await ctx.auth.listUsers()).map((u) => ({
          id: u.id,
          email: u.email,
          role: u.role,
          status: u.disabledAt ? 'disabled' : u.passwordHash ? 'active' : 'invited',
          last_signin_at: u.lastSigninAt,
        }));
        if (values.json) io.out(JSON.stringify({ users }));
        else for (const u of users) io.out(`${u.id}\t${u.email}\t${u.role}\t${u.status}`);
      }
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
