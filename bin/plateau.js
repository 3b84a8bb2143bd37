#!/usr/bin/env node
// The `plateau` command: runs the TypeScript sources through tsx's loader, so there is no build step
// between a checkout and a running cluster.
import { register } from 'tsx/esm/api';

register();
await import('../core/runtime/cli.ts');
