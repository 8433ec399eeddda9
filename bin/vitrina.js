#!/usr/bin/env node
// Plain JS launcher so `npx vitrina` works without a build step: tsx compiles the TypeScript sources on load.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/cli.main.ts');
