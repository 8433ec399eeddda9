import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStores, type Stores } from '../../src/db/db.stores.ts';
import {
  createSavedSearchRepository,
  type SaveInput,
  type SavedSearchRepository,
} from '../../src/search/saved-search.repository.ts';
import {
  createSearchHistoryRepository,
  type SearchHistoryRepository,
} from '../../src/search/search-history.repository.ts';
import { storeMatrix, type OpenedStore } from '../helpers/stores.ts';

const search = (over: Partial<SaveInput> = {}): SaveInput => ({
  kind: 'image',
  model: 'fake',
  querySha256: 'q1',
  threshold: 0.5,
  matches: [
    { productId: 3, imageId: 30, score: 0.91 },
    { productId: 1, imageId: 10, score: 0.75 },
  ],
  thumb: null,
  ...over,
});

for (const store of await storeMatrix())
  describe(`saved searches and search history (${store.name} store)`, { skip: store.skip }, () => {
    let opened: OpenedStore;
    let stores: Stores;
    let saved: SavedSearchRepository;
    let history: SearchHistoryRepository;
    const user = async (email: string) =>
      (
        await stores.catalog.query<{ id: number }>(
          `insert into users (email, role) values ($1, 'viewer') returning id`,
          [email],
        )
      ).rows[0]!.id;

    before(async () => {
      opened = await store.open();
      stores = await openStores({
        dataDir: 'memory://',
        databaseUrl: opened.url,
        vectorDatabaseUrl: undefined,
      });
      saved = createSavedSearchRepository(stores.catalog, 7, 3);
      history = createSearchHistoryRepository(stores.catalog);
    });
    after(async () => {
      await stores?.close();
      await opened?.close();
    });

    it('keeps a search with its matches in order, and one thumbnail per query photo', async () => {
      const webp = Buffer.from('RIFF....WEBPVP8 fake thumbnail bytes');
      const first = await saved.save(search({ thumb: { sha256: 'photo-a', bytes: webp } }));
      // the same photo again: the page saw hasThumb and sent no bytes
      assert.equal(await saved.hasThumb('photo-a'), true);
      const second = await saved.save(search({ kind: 'url', thumb: { sha256: 'photo-a', bytes: null } }));
      // a thumbnail that is not stored (purged meanwhile) leaves the search without one
      const third = await saved.save(
        search({ kind: 'similar', thumb: { sha256: 'photo-gone', bytes: null } }),
      );
      assert.notEqual(first, second);

      const got = (await saved.get(first))!;
      assert.deepEqual(
        { ...got, createdAt: undefined },
        {
          id: first,
          kind: 'image',
          model: 'fake',
          querySha256: 'q1',
          threshold: 0.5,
          matches: search().matches,
          createdAt: undefined,
          hasThumb: true,
        },
      );
      assert.ok(got.createdAt instanceof Date);
      assert.deepEqual(await saved.thumb(second), webp);
      assert.equal((await saved.get(third))!.hasThumb, false);
      assert.equal(await saved.thumb(third), null);
      assert.equal(await saved.get('no-such-id'), null);
      const held = await saved.storage();
      assert.deepEqual([held.thumbs, held.thumbBytes], [1, webp.length]);
    });

    it('keeps at most perClient searches per client, dropping the oldest', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await saved.save(search({ clientKey: 'client-a' })));
      const other = await saved.save(search({ clientKey: 'client-b' }));
      const kept = [];
      for (const id of ids) kept.push((await saved.get(id)) !== null);
      assert.deepEqual(kept, [false, false, true, true, true]);
      assert.ok(await saved.get(other), 'another client’s searches are not touched');
    });

    it('lists each person’s searches, latest first, without expired ones; a search repeated moves up', async () => {
      const [ann, bob] = [await user('ann@test'), await user('bob@test')];
      const ids = [];
      for (let i = 0; i < 3; i++) {
        ids.push(await saved.save(search({ matches: search().matches.slice(0, 1 + (i % 2)) })));
        await history.add(ann, ids[i]!);
      }
      await history.add(bob, ids[0]!);
      assert.deepEqual(
        (await history.list(ann)).map((h) => [h.id, h.count]),
        [
          [ids[2], 1],
          [ids[1], 2],
          [ids[0], 1],
        ],
      );
      await history.add(ann, ids[0]!);
      assert.deepEqual(
        (await history.list(ann)).map((h) => h.id),
        [ids[0], ids[2], ids[1]],
      );
      assert.deepEqual(
        (await history.list(ann, 2)).map((h) => h.id),
        [ids[0], ids[2]],
      );
      assert.deepEqual(
        (await history.list(bob)).map((h) => h.id),
        [ids[0]],
      );

      await stores.catalog.query(
        `update saved_searches set expires_at = now() - interval '1 second' where id = $1`,
        [ids[0]],
      );
      assert.equal(await saved.get(ids[0]!), null, 'an expired link no longer opens');
      assert.deepEqual(
        (await history.list(ann)).map((h) => h.id),
        [ids[2], ids[1]],
      );
      assert.deepEqual(await history.list(bob), []);
    });

    it('purges expired searches, then thumbnails nobody uses once their grace period is over', async () => {
      const thumb = { sha256: 'photo-purge', bytes: Buffer.from('another thumbnail') };
      const id = await saved.save(search({ thumb }));
      const ann = (
        await stores.catalog.query<{ id: number }>(`select id from users where email = 'ann@test'`)
      ).rows[0]!.id;
      await history.add(ann, id);
      await stores.catalog.query(`update saved_searches set expires_at = now() - interval '1 second'`);
      const purged = await saved.purgeExpired();
      assert.ok(purged.searches >= 1, JSON.stringify(purged));
      assert.equal((await saved.storage()).searches, 0);
      assert.deepEqual(await history.list(ann), [], 'its history rows went with it');
      assert.equal(await saved.hasThumb('photo-purge'), true, 'a thumbnail used a moment ago stays');
      await stores.catalog.query(`update search_thumbs set used_at = now() - interval '2 hours'`);
      assert.deepEqual(await saved.purgeExpired(), { searches: 0, thumbs: 2 });
      assert.deepEqual(await saved.storage(), { searches: 0, thumbs: 0, thumbBytes: 0 });
    });
  });
