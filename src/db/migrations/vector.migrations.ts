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
];
