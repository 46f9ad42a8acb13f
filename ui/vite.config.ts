import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The API lives at the server's root; in `npm run dev` these paths go to a local Corral.
const API = process.env.CORRAL_URL ?? 'http://127.0.0.1:8795';
const API_PATHS = ['/auth', '/models', '/views', '/keys', '/users', '/integrations', '/health', '/openapi.json'];

// Before the server has session sign-in, CORRAL_KEY lets `npm run dev` talk to it with a key.
const key = process.env.CORRAL_KEY;
const headers: Record<string, string> = key ? { Authorization: `Token ${key}` } : {};

export default defineConfig({
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
  },
  server: {
    port: 5173,
    host: '127.0.0.1',
    proxy: Object.fromEntries(API_PATHS.map((p) => [p, { target: API, headers }])),
  },
});
