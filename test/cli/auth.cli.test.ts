import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAppContext } from '../../src/app/app.context.ts';
import { loadConfig } from '../../src/config/config.load.ts';
import { lastJsonLine, runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/test-env.ts';

describe('vitrina user / vitrina token', () => {
  it('adds users from the shell (password from stdin or generated), lists them and resets a password', async () => {
    const env = { DATA_DIR: await tempDir() };
    const added = await runCli(
      ['user', 'add', 'Owner@Example.com', '--role', 'admin', '--password-stdin'],
      env,
      120_000,
      'the keeper of keys\n',
    );
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /added owner@example\.com \(admin\)/);

    const dup = await runCli(['user', 'add', 'owner@example.com', '--role', 'viewer', '--generate'], env);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /already exists/);
    const weak = await runCli(
      ['user', 'add', 'w@example.com', '--role', 'viewer', '--password-stdin'],
      env,
      120_000,
      '1234567890\n',
    );
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /most common/);
    const noRole = await runCli(['user', 'add', 'x@example.com'], env);
    assert.equal(noRole.code, 1);
    assert.match(noRole.stderr, /--role is required/);

    // no terminal to ask on and no flag: a password is generated and printed once
    const generated = await runCli(['user', 'add', 'viewer@example.com', '--role', 'viewer', '--json'], env);
    assert.equal(generated.code, 0, generated.stderr);
    const g = lastJsonLine(generated.stdout) as { email: string; role: string; password: string };
    assert.equal(g.email, 'viewer@example.com');
    assert.equal(g.role, 'viewer');
    assert.match(g.password, /^[A-Za-z0-9_-]{20}$/);
    assert.match(generated.stderr, /shown once/);

    const reset = await runCli(['user', 'password', 'owner@example.com', '--generate', '--json'], env);
    assert.equal(reset.code, 0, reset.stderr);
    const newPassword = (lastJsonLine(reset.stdout) as { password: string }).password;

    const list = await runCli(['user', 'list', '--json'], env);
    const { users } = lastJsonLine(list.stdout) as {
      users: { email: string; role: string; status: string }[];
    };
    assert.deepEqual(
      users.map((u) => [u.email, u.role, u.status]),
      [
        ['owner@example.com', 'admin', 'active'],
        ['viewer@example.com', 'viewer', 'active'],
      ],
    );

    // the passwords work through the same sign-in as the web page; the audit names the shell user
    const ctx = await createAppContext(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
    try {
      const meta = { address: '127.0.0.1' };
      await ctx.auth.signIn({ email: 'viewer@example.com', password: g.password }, meta);
      await ctx.auth.signIn({ email: 'owner@example.com', password: newPassword }, meta);
      await assert.rejects(
        ctx.auth.signIn({ email: 'owner@example.com', password: 'the keeper of keys' }, meta),
        {
          code: 'SIGNIN_FAILED',
        },
      );
      const added = await ctx.audit.list({ action: 'user.add' });
      assert.ok(added.every((e) => e.actor.startsWith('cli (')));
      assert.equal(await ctx.auth.needsSetup(), false);
    } finally {
      await ctx.close();
    }
  });

  it('creates a token shown once as {token, name, role}, lists and revokes it', async () => {
    const env = { DATA_DIR: await tempDir() };
    const created = await runCli(
      ['token', 'create', '--role', 'editor', '--name', 'import bot', '--json'],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    const t = lastJsonLine(created.stdout) as Record<string, string>;
    assert.deepEqual(Object.keys(t).sort(), ['name', 'role', 'token']);
    assert.match(t.token!, /^vtr_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual([t.name, t.role], ['import bot', 'editor']);

    const dup = await runCli(['token', 'create', '--role', 'viewer', '--name', 'Import Bot'], env);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /already exists/);
    const listed = lastJsonLine((await runCli(['token', 'list', '--json'], env)).stdout) as {
      tokens: { name: string; revoked_at: string | null }[];
    };
    assert.deepEqual(
      listed.tokens.map((x) => [x.name, x.revoked_at]),
      [['import bot', null]],
    );
    assert.doesNotMatch(JSON.stringify(listed), /vtr_/, 'the token itself is never shown again');

    assert.equal((await runCli(['token', 'revoke', 'import bot'], env)).code, 0);
    const missing = await runCli(['token', 'revoke', 'import bot'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No active token import bot/);
  });
});
