import { createAuditRepository } from '../auth/audit.repository.ts';
import { createAuthService } from '../auth/auth.service.ts';
import { createTokenService } from '../auth/token.service.ts';
import { createTokensRepository } from '../auth/tokens.repository.ts';
import { createUsersRepository } from '../auth/users.repository.ts';
import { createCatalogRepository } from '../catalog/catalog.repository.ts';
import { createCatalogService } from '../catalog/catalog.service.ts';
import { createImportService } from '../catalog/catalog.import.ts';
import { createMediaStore } from '../catalog/media.store.ts';
import type { AppConfig } from '../config/config.schema.ts';
import { openStores, type Stores } from '../db/db.stores.ts';
import { createMediaCollector } from '../catalog/media.collector.ts';
import { createProductEditService } from '../catalog/product-edit.service.ts';
import { createImportJobRepository } from '../import/import-job.repository.ts';
import { createImportJobService } from '../import/import-job.service.ts';
import { createVectorRepository } from '../search/vector.repository.ts';
import { createRemoteImageFetcher } from '../remote/remote-image.fetch.ts';

/** Everything a command or the server needs, wired once with explicit dependencies. */
export async function createAppContext(config: AppConfig) {
  const stores: Stores = await openStores(config);
  const repository = createCatalogRepository(stores.catalog);
  const media = createMediaStore(config.dataDir);
  const catalog = createCatalogService({ repository });
  const importerFor = (audience: 'operator' | 'web') =>
    createImportService({
      db: stores.catalog,
      repository,
      media,
      remote: createRemoteImageFetcher({
        timeoutMs: config.fetchTimeoutMs,
        maxBytes: config.fetchMaxBytes,
        allowPrivate: config.allowPrivateUrls,
        // the CLI's operator sees why a row's image link failed; a web page does not
        explain: audience === 'operator',
      }),
      limits: { maxImagePixels: config.maxImagePixels },
    });
  const importer = importerFor('operator');
  const audit = createAuditRepository(stores.catalog);
  const auth = createAuthService({ users: createUsersRepository(stores.catalog), audit, limits: config });
  const tokens = createTokenService({ tokens: createTokensRepository(stores.catalog), audit });
  // Catalog management (imports as jobs, product editing): hooks for the web process's workers.
  const collector = createMediaCollector({ media, repository });
  const importJobs = createImportJobRepository(stores.catalog);
  const vectors = stores.vectors ? createVectorRepository(stores.vectors) : null;
  const importsWith = (hooks: Partial<Parameters<typeof createImportJobService>[0]> = {}) =>
    createImportJobService({
      jobs: importJobs,
      importer,
      dataDir: config.dataDir,
      zipLimits: {
        maxEntries: config.importZipMaxFiles,
        maxUnpackedBytes: config.importZipMaxUnpackedBytes,
        maxEntryBytes: config.fetchMaxBytes,
        maxRatio: 100,
      },
      audit,
      // after any import: photos stored for rows that failed half-way are not kept
      onFinished: async () => void (await collector.sweep()),
      ...hooks,
    });
  const editsWith = (hooks: Partial<Parameters<typeof createProductEditService>[0]> = {}) =>
    createProductEditService({
      db: stores.catalog,
      repository,
      media,
      collector,
      vectors,
      maxImagePixels: config.maxImagePixels,
      audit,
      ...hooks,
    });
  return {
    config,
    stores,
    repository,
    media,
    catalog,
    importer,
    audit,
    auth,
    tokens,
    collector,
    importJobs,
    imports: importsWith(),
    importsWith,
    /** the importer for files uploaded through the web: link failures without network details */
    webImporter: importerFor('web'),
    edits: editsWith(),
    editsWith,
    close: () => stores.close(),
  };
}

export type AppContext = Awaited<ReturnType<typeof createAppContext>>;
