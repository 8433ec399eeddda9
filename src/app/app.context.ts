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
import { createRemoteImageFetcher } from '../remote/remote-image.fetch.ts';

/** Everything a command or the server needs, wired once with explicit dependencies. */
export async function createAppContext(config: AppConfig) {
  const stores: Stores = await openStores(config);
  const repository = createCatalogRepository(stores.catalog);
  const media = createMediaStore(config.dataDir);
  const catalog = createCatalogService({ repository });
  const importer = createImportService({
    db: stores.catalog,
    repository,
    media,
    remote: createRemoteImageFetcher({
      timeoutMs: config.fetchTimeoutMs,
      maxBytes: config.fetchMaxBytes,
      allowPrivate: config.allowPrivateUrls,
      explain: true, // the CLI's operator sees why a row's image link failed
    }),
    limits: { maxImagePixels: config.maxImagePixels },
  });
  const audit = createAuditRepository(stores.catalog);
  const auth = createAuthService({ users: createUsersRepository(stores.catalog), audit, limits: config });
  const tokens = createTokenService({ tokens: createTokensRepository(stores.catalog), audit });
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
    close: () => stores.close(),
  };
}

export type AppContext = Awaited<ReturnType<typeof createAppContext>>;
