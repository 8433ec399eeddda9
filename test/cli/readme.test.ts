import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { commands } from '../../src/cli/cli.commands.ts';
import { envSchema } from '../../src/config/config.schema.ts';
import { repoRoot } from '../helpers/test-env.ts';

const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const section = (title: string) => {
  const start = readme.indexOf(`## ${title}\n`);
  assert.ok(start >= 0, `README has a "${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
};

describe('the README a newcomer reads', () => {
  it('lists every command with its full usage, and every npm script', () => {
    const table = section('Commands');
    for (const command of commands) {
      assert.ok(table.includes(`\`npx vitrina ${command.usage.replace(/\|/g, '\\|')}\``), command.usage);
    }
    const scripts = Object.keys(
      (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: object })
        .scripts,
    );
    for (const script of scripts.filter((s) => s !== 'prepare')) {
      assert.match(table, new RegExp(`npm (run |)[^\`]*\\b${script}\\b`), script);
    }
  });

  it('lists every environment variable the config schema reads', () => {
    const table = section('Configuration');
    for (const key of Object.keys(envSchema.shape)) assert.ok(table.includes(`\`${key}\``), key);
  });

  it('shows the results page as a screenshot that is in the repository', () => {
    const image = readme.match(/!\[[^\]]+\]\((docs\/[^)]+\.png)\)/)?.[1];
    assert.ok(image, 'a screenshot in the README');
    const size = fs.statSync(path.join(repoRoot, image)).size;
    assert.ok(size < 300_000, `${image} is ${size} bytes`);
  });
});
