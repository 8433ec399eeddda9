import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import semver from 'semver';
import { repoRoot } from '../helpers/test-env.ts';

const ours: string = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).engines.node;

/** Every installed package (nested ones too) with the Node range it declares. */
function installedEngines(dir: string, found: { pkg: string; range: string }[] = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      installedEngines(full, found);
      continue;
    }
    const manifest = path.join(full, 'package.json');
    if (fs.existsSync(manifest)) {
      const { name, version, engines } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      if (typeof engines?.node === 'string') found.push({ pkg: `${name}@${version}`, range: engines.node });
    }
    const nested = path.join(full, 'node_modules');
    if (fs.existsSync(nested)) installedEngines(nested, found);
  }
  return found;
}

describe('Node versions: engines is true to the dependency tree', () => {
  it('every installed package supports every Node version package.json claims', () => {
    const packages = installedEngines(path.join(repoRoot, 'node_modules'));
    assert.ok(packages.length > 20, 'the dependency tree was read');
    const narrower = packages.filter((p) => !semver.subset(ours, p.range));
    assert.deepEqual(narrower, [], `engines says "${ours}", but these packages need less`);
  });

  it('the Node running this suite is one that engines claims', () => {
    assert.ok(semver.satisfies(process.version, ours), `${process.version} is outside "${ours}"`);
  });
});
