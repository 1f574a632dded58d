import path from 'node:path';
import { defineConfig } from 'vite';

// The embeddable button: one framework-free file, served at /widget.js to any origin.
export default defineConfig({
  build: {
    outDir: path.resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: false,
    lib: {
      entry: path.resolve(import.meta.dirname, 'src/web/widget/calendar-club-add.ts'),
      name: 'CalendarClubAdd',
      formats: ['iife'],
      fileName: () => 'widget.js',
    },
  },
  logLevel: 'warn',
});
