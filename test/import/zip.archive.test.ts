import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isAppError } from '../../src/errors/app-error.ts';
import { openZip, type ZipLimits } from '../../src/import/zip.archive.ts';
import { tempDir } from '../helpers/test-env.ts';
import { makeZip } from '../helpers/zip-writer.ts';

const LIMITS: ZipLimits = {
  maxEntries: 10,
  maxUnpackedBytes: 8 * 1024 * 1024,
  maxEntryBytes: 4 * 1024 * 1024,
  maxRatio: 100,
};

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isAppError(error), `expected a coded error, got ${String(error)}`);
    return error.code;
  }
  assert.fail('expected a refusal');
}

describe('ZIP of images (yauzl, bounded)', () => {
  it('finds entries by path or by unique file name, case-insensitively, from a file or a buffer', async () => {
    const zip = makeZip([
      { name: 'photos/A-1.JPG', data: Buffer.from('one') },
      { name: 'photos/b.png', data: Buffer.from('two'), store: true },
      { name: 'other/b.png', data: Buffer.from('three') },
      { name: '__MACOSX/photos/._A-1.JPG', data: Buffer.from('fork') },
    ]);
    const file = path.join(await tempDir(), 'images.zip');
    await fs.writeFile(file, zip);
    for (const source of [file, zip]) {
      const archive = await openZip(source, LIMITS);
      try {
        assert.equal(archive.entries.length, 3);
        assert.equal((await archive.read(archive.find('a-1.jpg')!)).toString(), 'one');
        assert.equal((await archive.read(archive.find('Photos\\A-1.jpg')!)).toString(), 'one');
        assert.equal((await archive.read(archive.find('./photos/b.png')!)).toString(), 'two');
        assert.equal(archive.find('b.png'), null, 'two entries share the name: ambiguous');
        assert.equal(archive.find('missing.jpg'), null);
      } finally {
        archive.close();
      }
    }
  });

  it('refuses path traversal and absolute names', async () => {
    assert.equal(
      await refusal(openZip(makeZip([{ name: '../../etc/passwd', data: Buffer.from('x') }]), LIMITS)),
      'ZIP_UNSAFE_NAME',
    );
    assert.equal(
      await refusal(openZip(makeZip([{ name: '/etc/passwd', data: Buffer.from('x') }]), LIMITS)),
      'ZIP_UNSAFE_NAME',
    );
  });

  it('refuses too many entries and too much unpacked data before unpacking anything', async () => {
    const many = makeZip(
      Array.from({ length: 11 }, (_, i) => ({ name: `${i}.jpg`, data: Buffer.from('x') })),
    );
    assert.equal(await refusal(openZip(many, LIMITS)), 'ZIP_TOO_MANY_ENTRIES');
    const big = makeZip([
      { name: 'a.bin', data: Buffer.alloc(10), declaredSize: 5 * 1024 * 1024 },
      { name: 'b.bin', data: Buffer.alloc(10), declaredSize: 5 * 1024 * 1024 },
    ]);
    assert.equal(await refusal(openZip(big, LIMITS)), 'ZIP_TOO_LARGE_UNPACKED');
  });

  it('refuses a zip bomb entry by its ratio and an oversize entry by its size', async () => {
    const archive = await openZip(
      makeZip([
        { name: 'bomb.png', data: Buffer.alloc(3 * 1024 * 1024) }, // ~3 KB packed: ratio ~1000
        { name: 'huge.jpg', data: Buffer.alloc(5 * 1024 * 1024, 1), store: true },
      ]),
      { ...LIMITS, maxUnpackedBytes: 100 * 1024 * 1024 },
    );
    try {
      assert.equal(await refusal(archive.read(archive.find('bomb.png')!)), 'ZIP_ENTRY_RATIO');
      assert.equal(await refusal(archive.read(archive.find('huge.jpg')!)), 'ZIP_ENTRY_TOO_LARGE');
    } finally {
      archive.close();
    }
  });

  it('catches a directory that lies about a size while unpacking', async () => {
    const archive = await openZip(
      makeZip([{ name: 'liar.jpg', data: Buffer.alloc(64 * 1024, 7), declaredSize: 100 }]),
      LIMITS,
    );
    try {
      assert.equal(await refusal(archive.read(archive.entries[0]!)), 'ZIP_INVALID');
    } finally {
      archive.close();
    }
  });

  it('refuses what is not a ZIP', async () => {
    assert.equal(await refusal(openZip(Buffer.from('just some text, no archive'), LIMITS)), 'ZIP_INVALID');
  });
});
