import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { SIGNIN_MAX_PER_ACCOUNT } from '../../src/auth/auth.service.ts';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { createWebApp, type WebApp } from '../../src/web/web.app.ts';
import { FORM_HEADERS, form, sessionFrom } from '../helpers/auth-client.ts';
import { lastJsonLine, runCli } from '../helpers/run-cli.ts';
import {
  mobilenetDir,
  repoRoot,
  SERVER_URL,
  serverUnavailableReason,
  testConfig,
} from '../helpers/test-env.ts';

const unavailable = await serverUnavailableReason();

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * Two web processes on one PostgreSQL database: this test's app and a child `vitrina serve`, as a
 * deployment with several web processes behind a load balancer runs.
 */
describe('accounts across web processes (PostgreSQL server)', { skip: unavailable }, () => {
  const dbName = `vitrina_auth_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  let url: string;
  let ctx: AppContext;
  let web: WebApp;
  let child: ChildProcess;
  let childBase: string;
  let childLog = '';
  let setupLink = '';

  before(async () => {
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    const u = new URL(SERVER_URL);
    u.pathname = `/${dbName}`;
    url = u.toString();

    const port = await freePort();
    childBase = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [path.join(repoRoot, 'bin/vitrina.js'), 'serve'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: url,
        HOST: '127.0.0.1',
        PORT: String(port),
        MODEL: 'mobilenetv2-int8',
        MODEL_DIR: mobilenetDir,
        INDEX_ON_START: '0',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (childLog += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (childLog += d.toString()));
    const deadline = Date.now() + 120_000;
    while (!/\/setup\/[A-Za-z0-9_-]{43}/.test(childLog)) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`vitrina serve did not start:\n${childLog}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    setupLink = childLog.match(/http:\/\/\S+\/setup\/[A-Za-z0-9_-]{43}/)![0];

    const config = await testConfig({ databaseUrl: url, model: 'fake' });
    ctx = await createAppContext(config);
    web = await createWebApp(ctx, {
      logger: false,
      indexOnStart: false,
      models: createModelProvider(config, async () => createFakeEmbedder({ id: 'fake' })),
    });
  });

  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await web?.close();
    await ctx?.close();
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
    await admin.end();
  });

  const childFetch = (p: string, init: RequestInit = {}) =>
    fetch(`${childBase}${p}`, { redirect: 'manual', ...init });

  it('the setup link printed by one process works on the other, once', async () => {
    const token = new URL(setupLink).pathname;
    const password = 'first admin on a server';
    const made = await web.app.inject({
      method: 'POST',
      url: token,
      headers: FORM_HEADERS,
      payload: form({ email: 'chief@test.example', password, confirm: password }),
    });
    assert.equal(made.statusCode, 303, made.body.slice(0, 300));
    const again = await childFetch(token);
    assert.equal(again.status, 410, 'the printing process knows it was used');
  });

  it('a session made by one process is known to the other, and sign-out on the other ends it', async () => {
    const signin = await web.app.inject({
      method: 'POST',
      url: '/signin',
      headers: FORM_HEADERS,
      payload: form({ email: 'chief@test.example', password: 'first admin on a server' }),
    });
    const cookie = `vitrina_session=${sessionFrom(signin)}`;
    const products = await childFetch('/api/products', { headers: { cookie } });
    assert.equal(products.status, 200);
    const profile = await childFetch('/profile', { headers: { cookie } });
    assert.match(await profile.text(), /chief@test\.example/);

    const out = await childFetch('/signout', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    assert.equal(out.status, 303);
    const ended = await web.app.inject({ method: 'GET', url: '/api/products', headers: { cookie } });
    assert.equal(ended.statusCode, 401);
    assert.equal(ended.json().code, 'SESSION_ENDED');
  });

  it('a token from `vitrina token create` on the server store works on every process until revoked', async () => {
    const env = { DATABASE_URL: url, MODEL: 'mobilenetv2-int8', MODEL_DIR: mobilenetDir };
    const created = await runCli(['token', 'create', '--role', 'viewer', '--name', 'ci job', '--json'], env);
    assert.equal(created.code, 0, created.stderr);
    const { token, name, role } = lastJsonLine(created.stdout) as Record<string, string>;
    assert.deepEqual([name, role], ['ci job', 'viewer']);
    const headers = { authorization: `Bearer ${token}` };
    assert.equal((await childFetch('/api/products', { headers })).status, 200);
    assert.equal((await web.app.inject({ method: 'GET', url: '/api/products', headers })).statusCode, 200);
    assert.equal((await childFetch('/users', { headers })).status, 403, 'a viewer token is no administrator');

    const revoked = await runCli(['token', 'revoke', 'ci job'], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await childFetch('/api/products', { headers })).status, 401);
    assert.equal((await web.app.inject({ method: 'GET', url: '/api/products', headers })).statusCode, 401);
  });

  it('counts sign-in attempts across processes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < SIGNIN_MAX_PER_ACCOUNT + 2; i++) {
      const body = form({ email: 'chief@test.example', password: `wrong guess ${i}` });
      if (i % 2) {
        const res = await childFetch('/signin', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        });
        statuses.push(res.status);
      } else {
        statuses.push(
          (await web.app.inject({ method: 'POST', url: '/signin', headers: FORM_HEADERS, payload: body }))
            .statusCode,
        );
      }
    }
    assert.deepEqual(statuses, [...Array(SIGNIN_MAX_PER_ACCOUNT).fill(401), 429, 429]);
  });
});
