// Builds the staff UI into web/staff/dist, served by the core tier. No inline
// script or style in the output (the core's CSP forbids them).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: ['es2022', 'chrome120', 'firefox120', 'safari17'],
  },
  logLevel: 'warn',
});
