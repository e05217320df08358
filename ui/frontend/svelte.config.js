import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/**
 * A single-page app: every route renders in the browser and unknown paths fall back to
 * index.html, which the Java UI server returns for any path that is not a static file or /api.
 */
export default {
  // The @temporalio/ui components are written in TypeScript (lang="ts").
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({
      pages: 'build',
      assets: 'build',
      fallback: 'index.html',
      strict: false,
    }),
    prerender: { entries: [] },
  },
};
