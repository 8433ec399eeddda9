import { testConfig } from '../helpers/test-env.ts';
import { catalogSuite } from './catalog.suite.ts';

catalogSuite('embedded PGlite', () => testConfig());
