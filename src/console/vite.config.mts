import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The console is built into dist/console, which the API server serves at `/` (src/console-files.ts).
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: resolve(import.meta.dirname, '../../dist/console'),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // Mantine marks its modules "use client" for React Server Components; meaningless here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    // `npm run console:dev` beside `npm run start:dev`: API calls go to the Nest server.
    proxy: { '/api': 'http://localhost:3000' },
  },
});
