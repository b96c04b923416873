#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/cli.ts into dist/ by `npm install` (the prepare script).
import { main } from '../dist/cli.js';
main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
  console.error(`x64run: internal error: ${err && err.stack ? err.stack : err}`);
  process.exit(70);
});
