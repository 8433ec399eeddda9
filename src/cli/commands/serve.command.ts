import net from 'node:net';
import { createAppContext } from '../../app/app.context.ts';
import { appError } from '../../errors/app-error.ts';
import { parseCliArgs } from '../cli.args.ts';
import type { CliCommand } from '../cli.types.ts';
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
    io.err(
      `vitrina is listening on http://${config.host}:${config.port}/products (${ctx.stores.catalog.label})`,
    );
    await new Promise<void>((resolve) => app.server.once('close', resolve));
    return 0;
  },
};
