import net, { type AddressInfo } from 'node:net';
import { createAppContext } from '../../app/app.context.ts';
import { appError } from '../../errors/app-error.ts';
import { parseCliArgs } from '../cli.args.ts';
import type { CliCommand, CliIo } from '../cli.types.ts';
import { createWebApp } from '../../web/web.app.ts';
import { importDemoIfEmpty, reportPhotoSearch } from './serve.first-run.ts';

/** A port another program holds, as one coded error (any other listen failure is left as it is). */
function listenError(error: unknown, host: string, port: number): unknown {
  return (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
    ? appError('PORT_IN_USE', { host, port })
    : error;
}

/**
 * Fails at once when the port is taken, before the database opens and the model loads; the
 * listen below reports the same error if another program takes the port in between.
 */
async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error) => reject(listenError(error, host, port)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

export const serveCommand: CliCommand = {
  name: 'serve',
  usage: 'serve',
  summary: 'run the web app (PORT, HOST)',
  async run(argv, { config, io }) {
    parseCliArgs(argv, {}, 'serve', false);
    await assertPortFree(config.host, config.port);
    const ctx = await createAppContext(config);
    if (ctx.stores.vectorError) io.err(ctx.stores.vectorError);
    await importDemoIfEmpty(ctx, io);
    const web = await createWebApp(ctx);
    reportPhotoSearch(web, ctx, io);
    const { app } = web;
    const stop = async () => {
      await web.close();
      await ctx.close();
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (error) {
      await stop();
      throw listenError(error, config.host, config.port);
    }
    const port = (app.server.address() as AddressInfo).port;
    io.err(`vitrina is listening on http://${config.host}:${port}/products (${ctx.stores.catalog.label})`);
    if (await ctx.auth.needsSetup()) printSetupLink(io, config.host, port, await ctx.auth.createSetupLink());
    await new Promise<void>((resolve) => app.server.once('close', resolve));
    return 0;
  },
};

/**
 * No account exists yet: the first administrator is made through this one-time link, so there is
 * never a moment when the catalog is open to whoever finds the server first.
 */
function printSetupLink(io: CliIo, listenHost: string, port: number, secret: string) {
  const host = ['0.0.0.0', '::', ''].includes(listenHost) ? '127.0.0.1' : listenHost;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/setup/${secret}`;
  const bar = '─'.repeat(Math.min(100, url.length + 4));
  io.err(
    [
      bar,
      'No user exists yet. Open this one-time link to create the first administrator:',
      '',
      `  ${url}`,
      '',
      'It works once. (Or: npx vitrina user add <email> --role admin)',
      bar,
    ].join('\n'),
  );
}
