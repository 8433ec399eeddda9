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
    version: 3,
    name: 'accounts, sessions, API tokens, audit log, search history',
    async up(tx) {
      await tx.query(`
        create table users (
          id bigserial primary key,
          email text not null,
          role text not null check (role in ('viewer', 'editor', 'admin')),
          -- argon2id; null until an invited person sets a password through their link
          password_hash text,
          disabled_at timestamptz,
          last_signin_at timestamptz,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        )`);
      await tx.query('create unique index users_email_idx on users (lower(email))');
      // Sessions live in the database so any web process serves any user; the id is the sha256
      // of the cookie's secret, so a copy of this table signs nobody in.
      await tx.query(`
        create table sessions (
          id text primary key,
          user_id bigint not null references users (id) on delete cascade,
          created_at timestamptz not null default now(),
          last_seen_at timestamptz not null default now(),
          expires_at timestamptz not null,
          address text,
          user_agent text
        )`);
      await tx.query('create index sessions_user_idx on sessions (user_id)');
      await tx.query('create index sessions_expires_idx on sessions (expires_at)');
      // One-time links: the first-admin setup link, invitations and password resets.
      await tx.query(`
        create table account_links (
          id text primary key,
          purpose text not null check (purpose in ('setup', 'invite', 'reset')),
          user_id bigint references users (id) on delete cascade,
          created_at timestamptz not null default now(),
          expires_at timestamptz
        )`);
      // Failed (and in-flight) sign-in attempts, shared by every web process.
      await tx.query(`
        create table signin_attempts (
          id bigserial primary key,
          account text not null,
          address text not null,
          at timestamptz not null default now()
        )`);
      await tx.query('create index signin_attempts_account_idx on signin_attempts (account, at)');
      await tx.query('create index signin_attempts_address_idx on signin_attempts (address, at)');
      await tx.query(`
        create table api_tokens (
          id bigserial primary key,
          name text not null,
          role text not null check (role in ('viewer', 'editor', 'admin')),
          token_hash text not null unique,
          created_by text not null,
          created_at timestamptz not null default now(),
          last_used_at timestamptz,
          last_used_address text,
          revoked_at timestamptz
        )`);
      await tx.query(
        'create unique index api_tokens_active_name_idx on api_tokens (lower(name)) where revoked_at is null',
      );
      // No foreign key to users: the record of who did what outlives the account.
      await tx.query(`
        create table audit_log (
          id bigserial primary key,
          at timestamptz not null default now(),
          actor_id bigint,
          actor text not null,
          action text not null,
          subject text,
          details jsonb,
          address text
        )`);
      await tx.query('create index audit_log_action_idx on audit_log (action, id)');
      await tx.query(`
        create table search_history (
          user_id bigint not null references users (id) on delete cascade,
          search_id text not null references saved_searches (id) on delete cascade,
          searched_at timestamptz not null default now(),
          primary key (user_id, search_id)
        )`);
      await tx.query('create index search_history_user_idx on search_history (user_id, searched_at desc)');
    },
  },
  {
    version: 4,
    name: 'saved searches: shared thumbnails, client key, purge indexes',
    async up(tx) {
      // One stored thumbnail per query photo (keyed by the photo's sha256), however often it is searched.
      await tx.query(`
        create table search_thumbs (
          sha256 text primary key,
          thumb bytea not null,
          -- refreshed on every reuse: the purge leaves recently used thumbnails alone
          used_at timestamptz not null default now()
        )`);
      await tx.query(
        `alter table saved_searches add column thumb_sha256 text references search_thumbs (sha256)`,
      );
      // Who saved it (a hash of the client's address or, later, the user): a cap per client bounds storage.
      await tx.query('alter table saved_searches add column client_key text');
      await tx.query(`
        insert into search_thumbs (sha256, thumb)
        select distinct on (h) h, query_thumb
        from (select encode(sha256(query_thumb), 'hex') as h, query_thumb
              from saved_searches where query_thumb is not null) t`);
      await tx.query(`
        update saved_searches set thumb_sha256 = encode(sha256(query_thumb), 'hex')
        where query_thumb is not null`);
      await tx.query('alter table saved_searches drop column query_thumb');
      await tx.query('create index saved_searches_client_idx on saved_searches (client_key, created_at)');
      await tx.query('create index saved_searches_expires_idx on saved_searches (expires_at)');
      await tx.query('create index saved_searches_thumb_idx on saved_searches (thumb_sha256)');
    },
  },
  {
    version: 5,
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
          cell_images int not null default 0,
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
