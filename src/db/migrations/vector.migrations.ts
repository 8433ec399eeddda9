import type { Migration } from '../db.migrate.ts';

export const vectorMigrations: Migration[] = [
  {
    version: 1,
    name: 'pgvector and image embeddings',
    async up(tx) {
      await tx.query('create extension if not exists vector');
      // The vector store may be another database than the catalog, so rows carry the ids they
      // need (image, product) instead of foreign keys. The column has no fixed dimension so models
      // of different sizes live side by side; each model gets its own partial HNSW index.
      await tx.query(`
        create table image_embeddings (
          model text not null,
          image_id bigint not null,
          product_id bigint not null,
          sha256 text not null,
          embedding vector not null,
          created_at timestamptz not null default now(),
          primary key (model, image_id)
        )`);
      await tx.query('create index image_embeddings_product_idx on image_embeddings (model, product_id)');
      await tx.query(`
        create table embedding_models (
          id text primary key,
          dim int not null,
          created_at timestamptz not null default now(),
          completed_at timestamptz
        )`);
    },
  },
  {
    version: 2,
    name: 'indexing work queue and settings',
    async up(tx) {
      // One row per image that still needs a vector for a model. Workers claim rows with a lease
      // (FOR UPDATE SKIP LOCKED), so several processes share the work and a killed worker's rows
      // become claimable again when its lease runs out.
      await tx.query(`
        create table index_tasks (
          model text not null,
          image_id bigint not null,
          product_id bigint not null,
          sha256 text not null,
          failed boolean not null default false,
          error text,
          attempts int not null default 0,
          claimed_by text,
          claimed_until timestamptz,
          updated_at timestamptz not null default now(),
          primary key (model, image_id)
        )`);
      await tx.query(
        'create index index_tasks_pending_idx on index_tasks (model, image_id) where not failed',
      );
      await tx.query(`create table vector_settings (key text primary key, value text not null)`);
    },
  },
  {
    version: 3,
    name: 'per-model similarity calibration',
    async up(tx) {
      // How similar two different products' images are in this catalog under this model: the
      // baseline a match must beat. Filled when a model's vector set is complete.
      await tx.query(
        'alter table embedding_models add column impostor_mean real, add column impostor_std real',
      );
    },
  },
  {
    version: 4,
    name: 'background gallery for "nothing similar"',
    async up(tx) {
      // Vectors of images of things that are not products (Debian wallpapers, clip art), one set per
      // model: what a query scores against them is the yardstick for "nothing similar". Never
      // searched by kNN, so plain float32 bytes (a fast read) instead of a vector column.
      await tx.query(`
        create table background_vectors (
          model text not null,
          file_key text not null,
          embedding bytea not null,
          primary key (model, file_key)
        )`);
      // The margin over the query's k-th most similar background image that the best product must
      // reach, calibrated per model and catalog when a vector set completes.
      await tx.query(
        'alter table embedding_models add column background_margin real, add column background_k int',
      );
    },
  },
];
