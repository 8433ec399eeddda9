import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { adminFromSetupLink, signInOverHttp, type HttpCredentials } from '../helpers/auth-client.ts';
import { startServe } from '../helpers/serve-process.ts';
import { groceryDir, mobilenetDir, tempDir } from '../helpers/test-env.ts';

const missing = fs.existsSync(path.join(groceryDir, 'dataset/classes.csv'))
  ? false
  : `no Grocery Store dataset at ${groceryDir}`;

describe('the README quick start: `npm start` on a fresh clone', { skip: missing }, () => {
  it('imports the demo into an empty catalog and states the model situation with the command that fixes it', async () => {
    const dataDir = await tempDir();
    let admin: HttpCredentials;
    // The default model (CLIP) cannot be downloaded here: its hub is a closed local port.
    const first = await startServe({ DATA_DIR: dataDir, HF_ENDPOINT: 'http://127.0.0.1:9' });
    try {
      await first.waitFor(/importing the Grocery Store demo \(81 products\)/);
      await first.waitFor(/Demo catalog: 81 products imported, 0 failed/);
      await first.waitFor(/is listening on/);
      await first.waitFor(/Search by photo is off: .+/);
      const fix = await first.waitFor(/Fix: MODEL=mobilenetv2-int8 MODEL_DIR=\S+ npm start/);
      // the second step of the quick start: the printed one-time link makes the administrator
      admin = await adminFromSetupLink(await first.waitFor(/http:\/\/\S+\/setup\/[\w-]{43}/));
      const page = await (
        await fetch(`${first.base}/products`, { headers: { 'accept-language': 'ru-RU', ...admin.headers } })
      ).text();
      assert.match(page, /data-testid="total">81 товар</);
      assert.match(page, /id="photo-search-open"\s+aria-disabled="true"/);
      assert.match(page, /модель распознавания «clip-vit-b32» не загружена/);
      assert.ok(page.includes(fix.replace('Fix: ', '')), 'the page gives the same command');
      const prices = (await (
        await fetch(`${first.base}/api/products?sort=price_asc&per_page=100`, { headers: admin.headers })
      ).json()) as {
        items: { price: number; currency: string; supplier: string }[];
      };
      assert.ok(prices.items.every((i) => i.price > 0 && i.currency === 'RUB'));
      assert.ok(new Set(prices.items.map((i) => i.supplier)).size >= 4, 'several suppliers to filter by');
    } finally {
      await first.stop();
    }

    // The command it printed, on the same data: no second import, search by photo works.
    const second = await startServe({
      DATA_DIR: dataDir,
      MODEL: 'mobilenetv2-int8',
      MODEL_DIR: mobilenetDir,
    });
    try {
      await second.waitFor(/Search by photo: ready \(model mobilenetv2-int8\)/);
      assert.doesNotMatch(second.log(), /importing the Grocery Store demo/);
      await second.waitFor(/is listening on/);
      assert.doesNotMatch(second.log(), /\/setup\//, 'no setup link once an administrator exists');
      const { headers } = await signInOverHttp(second.base, admin!.email, admin!.password);
      for (let i = 0; ; i++) {
        const status = (await (await fetch(`${second.base}/api/index/status`, { headers })).json()) as {
          embedded: number;
          running: boolean;
        };
        if (status.embedded === 81 && !status.running) break;
        assert.ok(i < 600, 'indexing finishes');
        await new Promise((r) => setTimeout(r, 100));
      }
      const photo = fs.readFileSync(path.join(groceryDir, 'dataset/val/Fruit/Banana/Banana_001.jpg'));
      const form = new FormData();
      form.append('image', new Blob([photo], { type: 'image/jpeg' }), 'banana.jpg');
      const reply = (await (
        await fetch(`${second.base}/api/search-by-image`, { method: 'POST', body: form, headers })
      ).json()) as {
        success: boolean;
        redirect: string;
      };
      assert.equal(reply.success, true, JSON.stringify(reply));
      const top = (await (
        await fetch(`${second.base}/api${reply.redirect}&per_page=5`, { headers })
      ).json()) as {
        items: { name: string }[];
      };
      assert.ok(
        top.items.some((i) => /banana/i.test(i.name)),
        top.items.map((i) => i.name).join(', '),
      );
    } finally {
      await second.stop();
    }
  });
});
