// Bundles the browser enquiry form (web/form/form.ts + @hpke/core) into one file the intake tier serves.
import { build } from 'esbuild';

await build({
  entryPoints: ['web/form/form.ts'],
  outfile: 'web/form/dist/form.js',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2022', 'chrome120', 'firefox120', 'safari17'],
  minify: true,
  sourcemap: false,
  legalComments: 'linked',
  logLevel: 'warning',
});
