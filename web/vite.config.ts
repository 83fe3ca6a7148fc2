/**
 * Vite configuration of Meridian's web UI. Root is `web/`; `vite build` writes `web/dist`, which the API
 * server serves. In development (`npx vite --config web/vite.config.ts`) `/api` is proxied to the API on
 * 127.0.0.1:3000 (override with MERIDIAN_API_URL).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const apiUrl = process.env.MERIDIAN_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/api': { target: apiUrl, changeOrigin: false } },
  },
  preview: { proxy: { '/api': { target: apiUrl } } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1600,
  },
});
