#!/usr/bin/env node
// litwatch runs its TypeScript sources directly through tsx: no build step between
// `npm install` and `npx litwatch`, and stack traces point at the real files.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
