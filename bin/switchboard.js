#!/usr/bin/env node
// Runs the TypeScript CLI directly: the package ships its sources and registers tsx's loader once at start.
import { register } from 'tsx/esm/api';

register();
await import('../src/runtime/node/cli.ts');
