import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard: a React SPA served by the API at `/` (dist/apps/dashboard, index.html for any
// other page address). It talks to the API through the contracts lib's client, typed by its routes.
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  resolve: { alias: { '@bulkhead/contracts': here('../../libs/contracts/src/index.ts') } },
  build: {
    outDir: here('../../dist/apps/dashboard'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // The libraries (React, TanStack Query, zod) change less often than our code: their own chunk stays
    // cached across releases, and neither chunk passes Vite's 500 KB warning.
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'vendor', test: /node_modules/ }] } } },
  },
  server: {
    // `npx vite --config apps/dashboard/vite.config.mts` against an API on :3000.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
