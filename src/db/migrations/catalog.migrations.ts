import type { Migration } from '../db.migrate.ts';

export const catalogMigrations: Migration[] = [
  {
    version: 1,
    name: 'products and images',
    async up(tx) {
      await tx.query('create extension if not exists pg_trgm');
      await tx.query(`
        create table products (
          id bigserial primary key,
          sku text not null unique,
          name text not null,
          description text not null default '',
          category text,
          supplier text,
          price numeric(14, 2),
          currency text,
          attributes jsonb not null default '{}',
          -- Name, SKU and category only: a query that matches here shows just these products,
          -- so "milk" lists milk and not every yoghurt whose description mentions milk.
          title_tsv tsvector generated always as (
            to_tsvector('simple', sku) ||
            to_tsvector('english', name) || to_tsvector('russian', name) ||
            to_tsvector('english', coalesce(category, '')) || to_tsvector('russian', coalesce(category, ''))
          ) stored,
          -- English and Russian stemming both, so either language finds its word forms;
          -- 'simple' keeps SKUs and brand names as typed.
          search_tsv tsvector generated always as (
            setweight(to_tsvector('simple', sku), 'A') ||
            setweight(to_tsvector('english', name), 'A') ||
            setweight(to_tsvector('russian', name), 'A') ||
            setweight(to_tsvector('english', coalesce(category, '')), 'B') ||
            setweight(to_tsvector('russian', coalesce(category, '')), 'B') ||
            setweight(to_tsvector('english', description), 'C') ||
            setweight(to_tsvector('russian', description), 'C')
          ) stored,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        )`);
      await tx.query('create index products_search_tsv_idx on products using gin (search_tsv)');
      await tx.query('create index products_title_tsv_idx on products using gin (title_tsv)');
      await tx.query('create index products_name_trgm_idx on products using gin (lower(name) gin_trgm_ops)');
      await tx.query('create index products_sku_trgm_idx on products using gin (lower(sku) gin_trgm_ops)');
      await tx.query('create index products_category_idx on products (category)');
      await tx.query('create index products_supplier_idx on products (supplier)');
      await tx.query('create index products_price_idx on products (price)');
      await tx.query(`
        create table product_images (
          id bigserial primary key,
          product_id bigint not null references products (id) on delete cascade,
          position int not null,
          source text not null,
          sha256 text not null,
          content_type text not null,
          bytes int not null,
          width int not null,
          height int not null,
          created_at timestamptz not null default now(),
          unique (product_id, position)
        )`);
      await tx.query('create index product_images_sha256_idx on product_images (sha256)');
    },
  },
  {
    version: 2,
    name: 'saved searches',
    async up(tx) {
      // Saved in the database, not in memory: a search link survives restarts and works on any web process.
      await tx.query(`
        create table saved_searches (
          id text primary key,
          kind text not null,
          model text,
          query_sha256 text,
          threshold real,
          matches jsonb not null,
          -- a small WebP of the query photo: the results page shows it after restarts and on any process
          query_thumb bytea,
          created_at timestamptz not null default now(),
          expires_at timestamptz
        )`);
      await tx.query('create index saved_searches_created_idx on saved_searches (created_at)');
    },
  },
  {
    version: 4,
    name: 'import jobs, their failed rows, column mappings per supplier',
    async up(tx) {
      // Imports run as jobs stored here, so any web process shows their progress and a restart
      // resumes them: processed_rows moves in the same transaction as each row's product.
      await tx.query(`
        create table import_jobs (
          id bigserial primary key,
          status text not null
            check (status in ('mapping', 'queued', 'running', 'done', 'failed', 'cancelled')),
          origin text not null default 'web' check (origin in ('web', 'cli')),
          file_name text not null,
          images_name text,
          format text not null,
          sheet text,
          sheets jsonb not null default '[]',
          supplier text,
          columns jsonb not null default '[]',
          samples jsonb not null default '{}',
          mapping jsonb,
          -- where the uploaded files wait (under DATA_DIR), removed when the job ends
          files_dir text,
          created_by text not null,
          created_by_id bigint,
          created_at timestamptz not null default now(),
          started_at timestamptz,
          finished_at timestamptz,
          updated_at timestamptz not null default now(),
          total_rows int,
          processed_rows int not null default 0,
          imported int not null default 0,
          updated int not null default 0,
          failed int not null default 0,
          stray_images int not null default 0,
          attempts int not null default 0,
          claimed_by text,
          claimed_until timestamptz,
          cancel_requested boolean not null default false,
          error_code text,
          error_en text,
          error_ru text
        )`);
      await tx.query(
        `create index import_jobs_work_idx on import_jobs (id) where status in ('queued', 'running')`,
      );
      await tx.query('create index import_jobs_created_idx on import_jobs (created_at desc)');
      await tx.query(`
        create table import_job_errors (
          job_id bigint not null references import_jobs (id) on delete cascade,
          row_index int not null,
          line int not null,
          sku text,
          code text not null,
          reason_en text not null,
          reason_ru text not null,
          primary key (job_id, row_index)
        )`);
      await tx.query(`
        create table import_mappings (
          supplier_key text primary key,
          supplier text not null,
          mapping jsonb not null,
          updated_by text,
          updated_at timestamptz not null default now()
        )`);
    },
  },
];
