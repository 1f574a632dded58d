import path from 'node:path';
import { defineConfig } from 'vite';

// The event-goer and organizer pages (Preact: React's component model in ~4 kB, so pages stay
// fast on phones) plus the widget demo page. The widget itself is built by vite.widget.config.ts.
export default defineConfig({
  root: path.resolve(import.meta.dirname, 'src/web'),
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: path.resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    rollupOptions: {
      input: {
        main: path.resolve(import.meta.dirname, 'src/web/index.html'),
        demo: path.resolve(import.meta.dirname, 'src/web/widget-demo.html'),
      },
    },
  },
  logLevel: 'warn',
});
