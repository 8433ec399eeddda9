import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { createWebApp, type WebApp } from '../../src/web/web.app.ts';
import { signedInClient, type TestClient } from '../helpers/auth-client.ts';
import { multipart } from '../helpers/multipart.ts';
import { testConfig } from '../helpers/test-env.ts';
import { makeZip } from '../helpers/zip-writer.ts';

const png = (r: number, g: number, b: number) =>
  sharp({ create: { width: 40, height: 40, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();

describe('catalog management routes: imports, product editing, indexing', () => {
  let ctx: AppContext;
  let web: WebApp;
  let editor: TestClient;

  before(async () => {
    const config = await testConfig({ model: 'fake', importMaxBytes: 64 * 1024, uploadMaxBytes: 200_000 });
    ctx = await createAppContext(config);
    const fake = createFakeEmbedder({ id: 'fake' });
    web = await createWebApp(ctx, {
      logger: false,
      indexOnStart: false,
      importPollMs: 60_000,
      models: createModelProvider(config, async () => fake),
    });
    editor = await signedInClient(web.app, ctx, { role: 'editor' });
  });
  after(async () => {
    await web?.close();
    await ctx?.close();
  });

  const post = (
    url: string,
    parts: Parameters<typeof multipart>[0],
    headers: Record<string, string> = {},
  ) => {
    const body = multipart(parts);
    return editor.inject({
      method: 'POST',
      url,
      payload: body.payload,
      headers: { ...body.headers, ...headers },
    });
  };
  const get = (url: string, headers: Record<string, string> = {}) =>
    editor.inject({ method: 'GET', url, headers });
  const upload = (name: string, bytes: Buffer, fields: Record<string, string> = {}, images?: Buffer) =>
    post('/imports', [
      { name: 'file', value: bytes, filename: name, type: 'application/octet-stream' },
      ...(images ? [{ name: 'images', value: images, filename: 'photos.zip', type: 'application/zip' }] : []),
      ...Object.entries(fields).map(([name, value]) => ({ name, value })),
    ]);
  const jobCount = async () => (await ctx.importJobs.list(1000)).length;

  it('shows the upload form, in Russian by default and in English on request', async () => {
    const ru = await get('/imports');
    assert.equal(ru.statusCode, 200);
    assert.match(ru.body, /Импорт товаров/);
    assert.match(ru.body, /enctype="multipart\/form-data"/);
    assert.match((await get('/imports?lang=en')).body, /Import products/);
  });

  it('refuses wrong, huge and hostile uploads with the reason on the form, and keeps nothing', async () => {
    const before = await jobCount();
    const image = await upload('price.xlsx', await png(1, 2, 3));
    assert.equal(image.statusCode, 415);
    assert.match(image.body, /не CSV, не JSON Lines и не таблица Excel/);
    const xls = await upload(
      'old.xls',
      Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(100)]),
    );
    assert.equal(xls.statusCode, 415);
    assert.match(xls.body, /Сохраните его как \.xlsx/);
    const huge = await upload('big.csv', Buffer.alloc(100 * 1024, 'a'));
    assert.equal(huge.statusCode, 413);
    assert.match(huge.body, /64 КБ/);
    const notZip = await upload('ok.csv', Buffer.from('sku,name\nA,B\n'), {}, Buffer.from('plain text'));
    assert.equal(notZip.statusCode, 400);
    assert.match(notZip.body, /ZIP-архив повреждён/);
    const traversal = await upload(
      'ok.csv',
      Buffer.from('sku,name\nA,B\n'),
      {},
      makeZip([{ name: '../../etc/cron.d/x', data: Buffer.from('x') }]),
    );
    assert.equal(traversal.statusCode, 400);
    assert.match(traversal.body, /недопустимым именем/);
    const form = await editor.inject({
      method: 'POST',
      url: '/imports',
      payload: 'file=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.ok(form.statusCode >= 400 && form.statusCode < 500, String(form.statusCode));
    const empty = await post('/imports', [{ name: 'file', value: Buffer.alloc(0), filename: '' }]);
    assert.equal(empty.statusCode, 400);
    assert.equal(await jobCount(), before, 'no job is left behind');
  });

  it('takes a file with NUL characters in its name, header and values: only the rows holding them fail', async () => {
    const csv = Buffer.from(
      'sku,name,col\u0000our\nN-1,Fine,red\nN\u00002,Bad sku,red\nN-3,Also fine,blue\n',
    );
    const res = await upload('evil\u0000name.csv', csv, { supplier: 'Sup\u0000plier' });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    const id = Number(String(res.headers.location).split('/')[2]);
    await web.management.worker.idle();
    const job = (await get(`/api/imports/${id}`)).json();
    assert.equal(job.status, 'done', job.error);
    assert.equal(job.file_name, 'evil\ufffdname.csv');
    // the odd header name is an attribute whose name holds a NUL: every row fails on it, with its reason
    const errors = (await get(`/api/imports/${id}/errors`)).json().errors;
    assert.ok(
      errors.length >= 1 && errors.every((e: { code: string }) => e.code === 'ROW_BAD_TEXT'),
      JSON.stringify(errors),
    );
  });

  it('walks an unknown header through the mapping step to a finished import with its failed rows', async () => {
    const csv = 'Номер;Позиция;Сумма\nM-1;Первая;1 250,00 ₽\n;Без номера;5\nM-3;Третья;дорого\n';
    const res = await upload('odd.csv', Buffer.from(csv), { supplier: 'Поставщик М' });
    assert.equal(res.statusCode, 303);
    const mappingUrl = res.headers.location as string;
    assert.match(mappingUrl, /^\/imports\/\d+\/mapping$/);
    const id = Number(mappingUrl.split('/')[2]);
    const page = await get(mappingUrl);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Позиция — Первая · Без номера · Третья/);
    const incomplete = await post(mappingUrl, [
      { name: 'sku', value: 'Номер' },
      { name: 'name', value: '' },
    ]);
    assert.equal(incomplete.statusCode, 400);
    assert.match(incomplete.body, /выберите столбец, в котором название товара/);
    assert.match(incomplete.body, /<option value="Номер" selected/);
    const done = await post(mappingUrl, [
      { name: 'sku', value: 'Номер' },
      { name: 'name', value: 'Позиция' },
      { name: 'price', value: 'Сумма' },
    ]);
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, `/imports/${id}`);
    await web.management.worker.idle();
    const json = (await get(`/api/imports/${id}`)).json();
    assert.deepEqual([json.status, json.imported, json.failed, json.total_rows], ['done', 1, 2, 3]);
    const summary = await get(`/imports/${id}`);
    assert.match(summary.body, /data-import-status="done"/);
    assert.match(summary.body, /нет артикула/);
    assert.match(summary.body, /неверная цена «дорого»/);
    const csvReply = await get(`/imports/${id}/errors.csv?lang=en`);
    assert.match(String(csvReply.headers['content-type']), /text\/csv/);
    assert.match(
      String(csvReply.headers['content-disposition']),
      /attachment; filename="import-\d+-errors\.csv"/,
    );
    assert.match(csvReply.body, /^\ufeffLine,SKU,Reason\r\n3,,missing sku\r\n4,M-3,"bad price ""дорого""/);
    // the mapping step is over: its page leads back to the job
    assert.equal((await get(mappingUrl)).statusCode, 303);
  });

  it('answers unknown imports with 404 (page and JSON) and takes uploads from scripts', async () => {
    assert.equal((await get('/imports/999999')).statusCode, 404);
    assert.equal((await get('/imports/abc')).statusCode, 404);
    const api = await get('/api/imports/999999');
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().code, 'IMPORT_NOT_FOUND');
    const body = multipart([
      { name: 'file', value: Buffer.from('sku,name\nAPI-1,From a script\n'), filename: 'a.csv' },
    ]);
    const accepted = await editor.inject({
      method: 'POST',
      url: '/api/imports',
      payload: body.payload,
      headers: body.headers,
    });
    assert.equal(accepted.statusCode, 202);
    assert.equal(accepted.json().status, 'queued');
    await web.management.worker.idle();
    assert.equal((await get(`/api/imports/${accepted.json().id}`)).json().imported, 1);
    const bad = multipart([{ name: 'file', value: await png(9, 9, 9), filename: 'a.csv' }]);
    const refused = await editor.inject({
      method: 'POST',
      url: '/api/imports',
      payload: bad.payload,
      headers: bad.headers,
    });
    assert.equal(refused.statusCode, 415);
    assert.equal(refused.json().code, 'IMPORT_FORMAT_UNKNOWN');
  });

  it('edits a product: refused input stays on the form with the reason, photos are added, moved, removed', async () => {
    const id = (await ctx.catalog.list({ q: 'M-1', page: 1, perPage: 1 })).items[0]!.id;
    const editUrl = `/products/${id}/edit`;
    assert.equal((await get(editUrl)).statusCode, 200);
    const bad = await post(editUrl, [
      { name: 'sku', value: 'M-1' },
      { name: 'name', value: 'Первая' },
      { name: 'price', value: 'очень дорого' },
    ]);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /неверная цена/);
    assert.match(bad.body, /value="очень дорого"/);
    const good = await post(editUrl, [
      { name: 'sku', value: 'M-1' },
      { name: 'name', value: 'Первая, исправленная' },
      { name: 'price', value: '1 990 ₽' },
      { name: 'attributes', value: 'Цвет: красный' },
    ]);
    assert.equal(good.statusCode, 303);
    assert.equal(good.headers.location, `${editUrl}?done=saved`);
    assert.match((await get(`${editUrl}?done=saved`)).body, /Изменения сохранены/);
    assert.equal((await ctx.catalog.get(id))!.price, 1990);

    const notPhoto = await post(`/products/${id}/images`, [
      { name: 'image', value: Buffer.from('<svg onload=alert(1)>'), filename: 'x.png', type: 'image/png' },
    ]);
    assert.equal(notPhoto.statusCode, 415);
    assert.match(notPhoto.body, /Это не изображение/);
    const added = await post(`/products/${id}/images`, [
      { name: 'image', value: await png(200, 0, 0), filename: 'red.png', type: 'image/png' },
      { name: 'image', value: await png(0, 0, 200), filename: 'blue.png', type: 'image/png' },
    ]);
    assert.equal(added.statusCode, 303);
    let images = (await ctx.catalog.get(id))!.images;
    assert.equal(images.length, 2);
    const moved = await post(`/products/${id}/images/${images[1]!.id}/move`, [
      { name: 'where', value: 'first' },
    ]);
    assert.equal(moved.statusCode, 303);
    assert.equal((await ctx.catalog.get(id))!.images[0]!.id, images[1]!.id);
    const badMove = await post(`/products/${id}/images/${images[1]!.id}/move`, [
      { name: 'where', value: 'sideways' },
    ]);
    assert.equal(badMove.statusCode, 400);
    const removed = await post(`/products/${id}/images/${images[0]!.id}/delete`, []);
    assert.equal(removed.statusCode, 303);
    images = (await ctx.catalog.get(id))!.images;
    assert.equal(images.length, 1);
    assert.equal((await post(`/products/${id}/images/999999/delete`, [])).statusCode, 404);
    assert.equal((await get('/products/999999/edit')).statusCode, 404);
  });

  it('deletes a product only when confirmed', async () => {
    const id = (await ctx.catalog.list({ q: 'M-1', page: 1, perPage: 1 })).items[0]!.id;
    const unconfirmed = await post(`/products/${id}/delete`, []);
    assert.equal(unconfirmed.statusCode, 400);
    assert.match(unconfirmed.body, /Отметьте галочку/);
    assert.ok(await ctx.catalog.get(id));
    const deleted = await post(`/products/${id}/delete`, [{ name: 'confirm', value: 'yes' }]);
    assert.equal(deleted.statusCode, 200);
    assert.match(deleted.body, /удалён из каталога и из поиска по фото/);
    assert.equal((await get(`/products/${id}`)).statusCode, 404);
  });

  it('shows indexing and answers its buttons', async () => {
    const page = await get('/indexing');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Индексация фото/);
    assert.match(page.body, /data-model="fake"/);
    const overview = (await get('/api/index/models')).json();
    assert.equal(overview.configured, 'fake');
    const notComplete = await post('/indexing/activate', [{ name: 'model', value: 'fake-xl' }]);
    assert.equal(notComplete.statusCode, 409);
    assert.match(notComplete.body, /ещё не обработала весь каталог/);
    assert.equal((await post('/indexing/retry', [])).statusCode, 400);
    const reindex = await post('/indexing/reindex', []);
    assert.equal(reindex.statusCode, 303);
    assert.match(String(reindex.headers.location), /^\/indexing\?done=reindexed&count=\d+$/);
    assert.match((await get(String(reindex.headers.location))).body, /В очередь поставлено/);
  });

  it('records every import and catalog change in the audit log with the editor who made it', async () => {
    const entries = [
      ...(await ctx.audit.list({ action: 'import' })),
      ...(await ctx.audit.list({ action: 'catalog.change' })),
    ];
    const mine = entries.filter((e) => e.actor === editor.email);
    const events = new Set(mine.map((e) => (e.details as { event?: string } | null)?.event));
    for (const event of [
      'refused',
      'uploaded',
      'mapped',
      'finished',
      'product.update',
      'image.add',
      'image.order',
      'image.remove',
      'product.delete',
      'index.all',
    ])
      assert.ok(events.has(event), `${event} recorded with the editor (got ${[...events].join(', ')})`);
    // what the person did carries their address; the end of a job they started is the server's doing
    const byHand = mine.filter((e) => (e.details as { event?: string } | null)?.event !== 'finished');
    assert.ok(
      byHand.every((e) => e.address),
      'with the address',
    );
  });
});
