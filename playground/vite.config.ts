import { defineConfig } from 'vitest/config';

// A static site that works from any file server: relative asset paths, no CDN, no runtime fetches
// except the page's own files (the wasm module and the worker script).
export default defineConfig({
  base: './',
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
  },
  worker: { format: 'es' },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
