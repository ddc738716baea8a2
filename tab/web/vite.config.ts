import { defineConfig } from 'vite';

const root = decodeURIComponent(new URL('.', import.meta.url).pathname);

/**
 * The tab is served by the app under /tab/ (server/tab-routes.ts). Three pages: the tab itself, the end of its
 * consent window (auth-end.html, where Entra sends the person back), and the local Teams
 * host that plays Teams around it in demo mode (the server exposes that one at /dev/teams-host.html only in demo
 * mode). Vite 8 transforms TSX with oxc and React's automatic runtime on its own, so no React plugin is needed (no
 * dev server with fast refresh is used: the app serves the built files).
 */
export default defineConfig({
  root,
  base: '/tab/',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      // Fluent marks its modules 'use client' (for React Server Components); meaningless in a client-only bundle.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
      input: {
        tab: `${root}index.html`,
        authEnd: `${root}auth-end.html`,
        host: `${root}dev/teams-host.html`,
      },
    },
  },
});
