import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run build -w @openframer/web` writes dist/, which the server serves at / (docs/web.md).
// `npm run dev -w @openframer/web` serves the UI with hot reload and sends /api to a server on port 8000.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
});
