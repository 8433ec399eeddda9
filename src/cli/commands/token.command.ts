import { createAppContext } from '../../app/app.context.ts';
import { appError } from '../../errors/app-error.ts';
import { cliActor } from '../cli.actor.ts';
import { parseCliArgs } from '../cli.args.ts';
import type { CliCommand } from '../cli.types.ts';

const usage =
  'token create --role viewer|editor|admin --name NAME [--json]\n' +
  '       vitrina token list [--json]\n' +
  '       vitrina token revoke NAME [--json]';

const options = {
  role: { type: 'string' },
  name: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export const tokenCommand: CliCommand = {
  name: 'token',
  usage: 'token create|list|revoke [<name>] [--role R] [--name N] [--json]',
  summary: 'API tokens for scripts (shown once, stored hashed)',
  async run(argv, { config, io }) {
    const { values, positionals } = parseCliArgs(argv, options, usage);
    const [action, name, ...extra] = positionals;
    if (!action || extra.length) throw appError('CLI_USAGE', { details: `Usage: vitrina ${usage}` });
    const ctx = await createAppContext(config);
    try {
      if (action === 'create') {
        if (!values.role || !values.name) {
          throw appError('CLI_USAGE', {
            details: `--role and --name are required.\nUsage: vitrina ${usage}`,
          });
        }
        const t = await ctx.tokens.create({ name: values.name, role: values.role }, cliActor());
        io.err(
          `Token "${t.name}" (${t.role}) created. It is shown once; send it as "Authorization: Bearer <token>".`,
        );
        io.out(values.json ? JSON.stringify({ token: t.token, name: t.name, role: t.role }) : t.token);
        return 0;
      }
      if (action === 'list') {
        const tokens = (await ctx.tokens.list()).map((t) => ({
          id: t.id,
          name: t.name,
          role: t.role,
          created_by: t.createdBy,
          created_at: t.createdAt,
          last_used_at: t.lastUsedAt,
          revoked_at: t.revokedAt,
        }));
        if (values.json) io.out(JSON.stringify({ tokens }));
        else
          for (const t of tokens)
            io.out(`${t.id}\t${t.name}\t${t.role}\t${t.revoked_at ? 'revoked' : 'active'}`);
        return 0;
      }
      if (action === 'revoke') {
        const ref = name ?? values.name;
        if (!ref) throw appError('CLI_USAGE', { details: `Usage: vitrina ${usage}` });
        const t = await ctx.tokens.revoke({ name: ref }, cliActor());
        if (values.json) io.out(JSON.stringify({ revoked: t.name }));
        else io.out(`revoked ${t.name}`);
        return 0;
      }
      throw appError('CLI_USAGE', { details: `Unknown action "${action}".\nUsage: vitrina ${usage}` });
    } finally {
      await ctx.close();
    }
  },
};
