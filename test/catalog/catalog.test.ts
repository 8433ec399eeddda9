import { storeMatrix, type OpenedStore } from '../helpers/stores.ts';
import { testConfig } from '../helpers/test-env.ts';
import { catalogSuite } from './catalog.suite.ts';

// The same catalog behaviour, asserted on the embedded store and on a server database.
for (const store of await storeMatrix()) {
  let opened: OpenedStore | undefined;
  catalogSuite(
    `the ${store.name} store`,
    async () => {
      opened = await store.open();
      return testConfig(opened.config);
    },
    async () => opened?.close(),
    { skip: store.skip },
  );
}
