import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  define: {
    // The UI calls its API on the page's own origin: the Java UI server answers /api/v1/*.
    'import.meta.env.VITE_API': JSON.stringify(''),
    'import.meta.env.VITE_TEMPORAL_UI_BUILD_TARGET': JSON.stringify('local'),
  },
  optimizeDeps: {
    include: ['date-fns', 'date-fns-tz'],
  },
  build: {
    // The bundle is large (Monaco, CodeMirror); it is served from the local jar, not a CDN.
    chunkSizeWarningLimit: 4096,
  },
});
