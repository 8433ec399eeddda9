import { createAppContext } from '../../app/app.context.ts';
import { parseCliArgs } from '../cli.args.ts';
import type { CliCommand } from '../cli.types.ts';
import { createWebApp } from '../../web/web.app.ts';
import { importDemoIfEmpty, reportPhotoSearch } from './serve.first-run.ts';

export const serveCommand: CliCommand = {
  name: 'serve',
  usage: 'serve',
  summary: 'run the web app (PORT, HOST)',
  async run(argv, { config, io }) {
    parseCliArgs(argv, {}, 'serve', false);
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
    await app.listen({ port: config.port, host: config.host });
    io.err(
      `vitrina is listening on http://${config.host}:${config.port}/products (${ctx.stores.catalog.label})`,
    );
    await new Promise<void>((resolve) => app.server.once('close', resolve));
    return 0;
  },
};
