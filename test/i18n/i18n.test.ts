import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatBytes, formatPrice } from '../../src/i18n/i18n.format.ts';
import { pickLang } from '../../src/i18n/i18n.lang.ts';
import { translate, translator } from '../../src/i18n/i18n.translate.ts';
import { WORDS, type Forms, type Text } from '../../src/i18n/i18n.words.ts';
import { parsePrice } from '../../src/i18n/i18n.price.ts';
import { repoRoot } from '../helpers/test-env.ts';

const NBSP = '\u00a0';

describe('the UI dictionary', () => {
  it('chooses Russian and English plural forms by count', () => {
    const ru = translator('ru');
    const cases: [number, string][] = [
      [0, '0 товаров'],
      [1, '1 товар'],
      [2, '2 товара'],
      [4, '4 товара'],
      [5, '5 товаров'],
      [11, '11 товаров'],
      [12, '12 товаров'],
      [21, '21 товар'],
      [22, '22 товара'],
      [111, '111 товаров'],
      [1.5, '1,5 товара'],
      [1000, `1${NBSP}000 товаров`],
      [1001, `1${NBSP}001 товар`],
    ];
    for (const [count, text] of cases) assert.equal(ru('products', { count }), text, String(count));
    assert.equal(translate('en', 'products', { count: 1 }), '1 product');
    assert.equal(translate('en', 'products', { count: 0 }), '0 products');
    assert.equal(translate('en', 'products', { count: 1000 }), '1,000 products');
    assert.equal(translate('ru', 'similarResults', { count: 3 }), '3 похожих товара');
  });

  it('fills placeholders, formatting numbers for the language', () => {
    assert.equal(translate('ru', 'showing', { from: 1, to: 24, total: 1250 }), `1–24 из 1${NBSP}250`);
    assert.equal(translate('en', 'showing', { from: 1, to: 24, total: 1250 }), '1–24 of 1,250');
    assert.equal(
      translate('ru', 'photoFormats', { size: formatBytes(10 * 1024 * 1024, 'ru') }),
      'PNG, JPG, GIF или WEBP, до 10 МБ',
    );
    assert.equal(formatPrice(1250, 'RUB', 'ru'), `1${NBSP}250,00${NBSP}₽`);
  });

  it('has every word in both languages with the same placeholders and complete plural forms', () => {
    const placeholders = (text: Text) =>
      [
        ...new Set(
          (typeof text === 'string' ? [text] : Object.values(text)).join(' ').match(/\{\w+\}/g) ?? [],
        ),
      ].sort();
    for (const [key, entry] of Object.entries(WORDS)) {
      assert.ok(entry.ru && entry.en, key);
      assert.deepEqual(placeholders(entry.ru), placeholders(entry.en), key);
      if (typeof entry.ru !== 'string') {
        const forms = entry.ru as Forms;
        assert.ok(forms.one && forms.few && forms.many && forms.other, `${key}: ru needs one, few, many`);
        assert.ok(placeholders(entry.ru).includes('{count}'), `${key}: a plural shows its count`);
      }
      if (typeof entry.en !== 'string') assert.ok((entry.en as Forms).one && (entry.en as Forms).other, key);
    }
  });

  it('is the only place UI words live: no Russian text and no sentences chosen by language in src/web', () => {
    const files = fs
      .readdirSync(path.join(repoRoot, 'src/web'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name))
      .map((e) => path.join(e.parentPath, e.name));
    assert.ok(files.length > 10);
    const offenders: string[] = [];
    for (const file of files) {
      // Comments may quote the UI («Похожие»); code may not.
      const code = fs
        .readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/<!--[\s\S]*?-->/g, '')
        .replace(/^\s*\/\/.*$/gm, '')
        .replace(/\s\/\/ .*$/gm, '');
      code.split('\n').forEach((line, i) => {
        // a sentence chosen by language in code instead of the dictionary
        const ternary = /lang === '(en|ru)'\s*\?\s*['`"][^'`"]*\s[^'`"]*['`"]/;
        if (/[А-Яа-яЁё]/.test(line) || ternary.test(line)) {
          offenders.push(`${path.relative(repoRoot, file)}:${i + 1}: ${line.trim()}`);
        }
      });
    }
    assert.deepEqual(offenders, []);
  });
});

describe('prices as people type them', () => {
  it('reads grouping spaces, decimal commas and currency signs', () => {
    const cases: [string, number][] = [
      ['1 000', 1000],
      ['1 000,50', 1000.5],
      [`1${NBSP}000,5 ₽`, 1000.5],
      ['1000 ₽', 1000],
      ['10 руб.', 10],
      ['1,000.50', 1000.5],
      ['1.000,50', 1000.5],
      ['1,000', 1000],
      ['12,5', 12.5],
      ['0.99', 0.99],
      ['$12.50', 12.5],
    ];
    for (const [text, value] of cases) assert.equal(parsePrice(text), value, text);
    for (const text of ['abc', '1-2', '', '₽', '1e5', '-5', '12 apples'])
      assert.ok(Number.isNaN(parsePrice(text)), text);
  });
});

describe('the page language', () => {
  it('takes ?lang first, then Accept-Language by weight, Russian by default', () => {
    assert.equal(pickLang('en', 'ru'), 'en');
    assert.equal(pickLang(undefined, 'en-GB,en;q=0.9'), 'en');
    assert.equal(pickLang(undefined, 'de,ru;q=0.5,en;q=0.4'), 'ru');
    assert.equal(pickLang(undefined, 'de-DE'), 'ru');
    assert.equal(pickLang('fr', undefined), 'ru');
  });
});
