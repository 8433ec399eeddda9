import type { AppConfig } from '../../config/config.schema.ts';
import { formatBytes, progressForCli } from '../../embedding/download.progress.ts';
import { locateModelFiles, resolveModelFiles, type FileLocation } from '../../embedding/model.files.ts';
import { getModelEntry, type ModelEntry } from '../../embedding/model.registry.ts';
import { appError } from '../../errors/app-error.ts';
import { MODEL_OPTIONS, parseCliArgs, reportingAppErrors } from '../cli.args.ts';
import type { CliCommand, CliIo } from '../cli.types.ts';

const USAGE = 'model pull|info [--model M] [--json]';

export interface ModelCommandDeps {
  getModelEntry: (id: string) => ModelEntry;
}

/** Deps are injectable so tests can pull generated models from a fake hub. */
export function createModelCommand(deps: ModelCommandDeps = { getModelEntry }): CliCommand {
  return {
    name: 'model',
    usage: USAGE,
    summary: 'download the model files ahead of time (pull) or show where they come from (info)',
    run: (argv, { config, io }) =>
      reportingAppErrors(io, async () => {
        const { values, positionals } = parseCliArgs(argv, MODEL_OPTIONS, USAGE);
        const [action, ...extra] = positionals;
        if ((action !== 'pull' && action !== 'info') || extra.length > 0) {
          const problem = action ? `Unknown action "${positionals.join(' ')}".` : 'Missing action.';
          throw appError('CLI_USAGE', { details: `${problem}\nUsage: vitrina ${USAGE}` });
        }
        const entry = deps.getModelEntry(values.model ?? config.model);
        return action === 'pull'
          ? await pull(config, entry, io, values.json)
          : await info(config, entry, io, values.json);
      }),
  };
}

export const modelCommand = createModelCommand();

async function pull(config: AppConfig, entry: ModelEntry, io: CliIo, json: boolean): Promise<number> {
  const files = await resolveModelFiles(config, entry, { onProgress: progressForCli(io) });
  if (json) {
    io.out(
      JSON.stringify({
        model: entry.id,
        files: files.map((f) => ({ path: f.file.path, source: f.source, location: f.path })),
      }),
    );
  } else {
    for (const f of files) io.out(`${f.source.padEnd(9)}  ${f.path}`);
    io.out(`${entry.id}: all ${files.length} files present and verified`);
  }
  return 0;
}

async function info(config: AppConfig, entry: ModelEntry, io: CliIo, json: boolean): Promise<number> {
  const located = await locateModelFiles(config, entry);
  if (json) {
    io.out(
      JSON.stringify({
        model: entry.id,
        active: entry.id === config.model,
        dim: entry.dim,
        hasTextTower: entry.hasTextTower,
        defaultThreshold: entry.defaultThreshold,
        hub: entry.hub ?? null,
        files: located.map((l) => ({
          path: l.file.path,
          role: l.file.role,
          size: l.file.size ?? null,
          ...where(l),
        })),
      }),
    );
    return 0;
  }
  io.out(`model       ${entry.id}${entry.id === config.model ? ' (active)' : ` (active: ${config.model})`}`);
  io.out(`about       ${entry.description}`);
  io.out(`dim         ${entry.dim}`);
  io.out(`text tower  ${entry.hasTextTower ? 'yes' : 'no'}`);
  io.out(`threshold   ${entry.defaultThreshold}`);
  io.out(
    `hub         ${entry.hub ? `${entry.hub.repo} @ ${entry.hub.revision}` : 'none (files come from MODEL_DIR only)'}`,
  );
  io.out('files');
  for (const l of located) {
    const { source, location } = where(l);
    io.out(`  ${source.padEnd(11)}  ${l.file.path} (${formatBytes(l.file.size)})  ${location}`);
  }
  const missing = located.filter((l) => l.source === 'hub-needed' || l.source === 'unavailable');
  if (missing.some((l) => l.source === 'hub-needed'))
    io.out('run `vitrina model pull` to download what is missing');
  if (missing.some((l) => l.source === 'unavailable'))
    io.out('set MODEL_DIR to the folder holding the missing files');
  return 0;
}

function where(location: FileLocation): { source: string; location: string } {
  switch (location.source) {
    case 'MODEL_DIR':
    case 'cache':
      return { source: location.source, location: location.path };
    case 'hub-needed':
      return { source: 'hub-needed', location: location.url };
    case 'unavailable':
      return { source: 'missing', location: 'not in MODEL_DIR, no hub source' };
  }
}
