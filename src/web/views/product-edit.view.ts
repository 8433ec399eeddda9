import { formatAttributes, type ProductForm } from '../../catalog/product-edit.service.ts';
import type { ProductDetail } from '../../catalog/catalog.types.ts';
import { MAX_IMAGES_PER_PRODUCT } from '../../catalog/catalog.import.ts';
import { html, type SafeHtml } from '../html.ts';
import type { Translate } from '../../i18n/i18n.translate.ts';
import { layout, type PageContext } from './layout.view.ts';
import { local, notice, ui, words } from './admin.parts.ts';
import { formatBytes } from '../../i18n/i18n.format.ts';
import { thumbUrl } from '../thumbnails.ts';

export interface ProductEditView {
  product: ProductDetail;
  /** what the person typed, shown again when it was refused */
  form?: ProductForm | undefined;
  notice?: string | undefined;
  error?: string | undefined;
  maxPhotoBytes: number;
  /** photo search is set up: reindexing makes sense */
  indexing: boolean;
}

/** The product form: fields, photos (add, reorder, remove), reindex, delete. Every button is a plain form. */
export function productEditPage(ctx: PageContext, view: ProductEditView): string {
  const t = words(ctx);
  const { product } = view;
  const values: ProductForm = view.form ?? {
    sku: product.sku,
    name: product.name,
    description: product.description,
    category: product.category ?? '',
    supplier: product.supplier ?? '',
    price:
      product.price === null
        ? ''
        : product.price.toLocaleString(ctx.lang === 'ru' ? 'ru-RU' : 'en-US', { maximumFractionDigits: 2 }),
    currency: product.currency ?? '',
    attributes: formatAttributes(product.attributes),
  };
  const base = `/products/${product.id}`;
  return layout(
    ctx,
    `${t('editTitle')}: ${product.name}`,
    html`<div class="mx-auto max-w-5xl space-y-6">
      <a href="${local(ctx, base)}" class="${`${ui.link} text-sm`}">← ${t('editBack')}</a>
      <header>
        <h1 class="${ui.h1}">${t('editTitle')}</h1>
        <p class="mt-1 text-slate-500">${product.name}</p>
      </header>
      ${notice(view.notice)} ${notice(view.error, 'error')}
      <div class="grid gap-6 lg:grid-cols-[1fr_22rem]">
        ${fieldsForm(ctx, t, base, values)}
        <div class="space-y-6">${photos(ctx, t, view)} ${dangerZone(ctx, t, view)}</div>
      </div>
    </div>`,
  );
}

function fieldsForm(ctx: PageContext, t: Translate, base: string, v: ProductForm): SafeHtml {
  const input = (
    name: keyof ProductForm,
    label: string,
    extra: { required?: boolean; hint?: string; max?: number } = {},
  ) =>
    html`<label class="block">
      <span class="${ui.label}">${label}</span>
      <input
        name="${name}"
        value="${v[name] ?? ''}"
        class="${ui.input}"
        ${extra.required ? 'required' : ''}
        maxlength="${extra.max ?? 500}"
        data-testid="edit-${name}"
      />
      ${extra.hint ? html`<span class="${ui.hint}">${extra.hint}</span>` : ''}
    </label>`;
  return html`<form
    method="post"
    action="${local(ctx, `${base}/edit`)}"
    enctype="multipart/form-data"
    class="${`${ui.card} grid h-fit gap-4 sm:grid-cols-2`}"
    data-testid="edit-form"
  >
    <h2 class="${`${ui.h2} sm:col-span-2`}">${t('editFields')}</h2>
    <div class="sm:col-span-2">${input('name', t('field_name'), { required: true })}</div>
    ${input('sku', t('field_sku'), { required: true, max: 200 })} ${input('category', t('field_category'))}
    ${input('price', t('field_price'), { hint: t('editPriceHint'), max: 50 })}
    ${input('currency', t('field_currency'), { hint: t('editCurrencyHint'), max: 10 })}
    <div class="sm:col-span-2">${input('supplier', t('field_supplier'))}</div>
    <label class="block sm:col-span-2">
      <span class="${ui.label}">${t('field_description')}</span>
      <textarea
        name="description"
        rows="5"
        maxlength="20000"
        class="${ui.input}"
        data-testid="edit-description"
      >
${v.description ?? ''}</textarea>
    </label>
    <label class="block sm:col-span-2">
      <span class="${ui.label}">${t('editAttributes')}</span>
      <textarea name="attributes" rows="4" maxlength="20000" class="${`${ui.input} font-mono`}">
${v.attributes ?? ''}</textarea>
      <span class="${ui.hint}">${t('editAttributesHint')}</span>
    </label>
    <div class="sm:col-span-2">
      <button class="${ui.primary}" data-testid="edit-save">${t('editSave')}</button>
    </div>
  </form>`;
}

function photos(ctx: PageContext, t: Translate, view: ProductEditView): SafeHtml {
  const { product } = view;
  const base = `/products/${product.id}/images`;
  const last = product.images.length - 1;
  const move = (imageId: number, where: 'first' | 'up' | 'down', label: string, disabled: boolean) =>
    html`<form method="post" action="${local(ctx, `${base}/${imageId}/move`)}" enctype="multipart/form-data">
      <input type="hidden" name="where" value="${where}" />
      <button class="${ui.small}" ${disabled ? 'disabled' : ''} data-testid="photo-${where}">${label}</button>
    </form>`;
  return html`<section class="${ui.card}" data-testid="edit-photos">
    <h2 class="${ui.h2}">${t('editPhotos')}</h2>
    <p class="${ui.hint}">${t('editPhotosHint', { max: MAX_IMAGES_PER_PRODUCT })}</p>
    ${
      product.images.length === 0
        ? html`<p class="mt-3 text-sm text-slate-500">${t('editNoPhotos')}</p>`
        : html`<ol class="mt-4 space-y-3">
            ${product.images.map(
              (img, i) =>
                html`<li
                  class="flex gap-3 rounded-xl p-2 ring-1 ring-slate-200"
                  data-testid="photo"
                  data-image-id="${img.id}"
                >
                  <img
                    src="${thumbUrl(img.sha256, 160)}"
                    alt="${t('editPhotoAlt', { n: i + 1 })}"
                    class="h-20 w-20 flex-none rounded-lg bg-slate-100 object-cover"
                  />
                  <div class="flex min-w-0 flex-1 flex-col gap-2">
                    <p class="text-xs text-slate-500">
                      ${i === 0 ? html`<span class="rounded-full bg-violet-100 px-2 py-0.5 font-medium text-violet-800">${t('editMain')}</span>` : `${i + 1}`}
                    </p>
                    <div class="flex flex-wrap gap-1.5">
                      ${i > 0 ? move(img.id, 'first', t('editMakeMain'), false) : ''}
                      ${move(img.id, 'up', `↑ ${t('editUp')}`, i === 0)}
                      ${move(img.id, 'down', `↓ ${t('editDown')}`, i === last)}
                      <form
                        method="post"
                        action="${local(ctx, `${base}/${img.id}/delete`)}"
                        enctype="multipart/form-data"
                      >
                        <button
                          class="${`${ui.small} text-red-700 ring-red-200 hover:bg-red-50`}"
                          data-testid="photo-remove"
                        >
                          ${t('editRemovePhoto')}
                        </button>
                      </form>
                    </div>
                  </div>
                </li>`,
            )}
          </ol>`
    }
    <form
      method="post"
      action="${local(ctx, base)}"
      enctype="multipart/form-data"
      class="mt-4 space-y-2 border-t border-slate-100 pt-4"
      data-testid="photo-add-form"
    >
      <label class="block">
        <span class="${ui.label}">${t('editAddPhotos')}</span>
        <input
          type="file"
          name="image"
          multiple
          required
          accept="image/jpeg,image/png,image/webp,image/gif"
          class="${ui.file}"
        />
        <span class="${ui.hint}"
          >${t('editAddPhotosHint', { size: formatBytes(view.maxPhotoBytes, ctx.lang) })}</span
        >
      </label>
      <button class="${ui.secondary}" data-testid="photo-add">${t('editAddPhotos')}</button>
    </form>
    ${
      view.indexing && product.images.length
        ? html`<form
            method="post"
            action="${local(ctx, `/products/${product.id}/reindex`)}"
            enctype="multipart/form-data"
            class="mt-3"
          >
            <button class="${`${ui.link} text-sm`}">${t('editReindex')}</button>
          </form>`
        : ''
    }
  </section>`;
}

function dangerZone(ctx: PageContext, t: Translate, view: ProductEditView): SafeHtml {
  const { product } = view;
  return html`<section class="${`${ui.card} ring-1 ring-red-100`}" data-testid="danger-zone">
    <h2 class="${`${ui.h2} text-red-800`}">${t('editDanger')}</h2>
    <p class="mt-1 text-sm text-slate-600">${t('editDeleteHint')}</p>
    <form
      method="post"
      action="${local(ctx, `/products/${product.id}/delete`)}"
      enctype="multipart/form-data"
      class="mt-3 space-y-3"
    >
      <label class="flex items-start gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          name="confirm"
          value="yes"
          required
          class="mt-0.5 h-4 w-4 rounded border-slate-300 text-red-600"
          data-testid="delete-confirm"
        />
        <span>${t('editDeleteConfirm', { name: product.name })}</span>
      </label>
      <button class="${ui.danger}" data-testid="delete-product">${t('editDelete')}</button>
    </form>
  </section>`;
}

/** After a deletion: what went, and the way back. */
export function productDeletedPage(ctx: PageContext, deleted: { name: string; sku: string }): string {
  const t = words(ctx);
  return layout(
    ctx,
    t('editDeletedTitle'),
    html`<section class="${`${ui.card} mx-auto mt-10 max-w-lg space-y-4 text-center`}" data-testid="deleted">
      <h1 class="${ui.h1}">${t('editDeletedTitle')}</h1>
      <p class="text-slate-600">${t('editDeleted', deleted)}</p>
      <a class="${ui.primary}" href="${local(ctx, '/products')}">${t('editToCatalog')}</a>
    </section>`,
  );
}
