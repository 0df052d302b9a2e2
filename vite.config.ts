import {
  convertCssVariables,
  DEFAULT_THEME,
  defaultCssVariablesResolver,
  type MantineTheme,
  mergeMantineTheme,
} from '@mantine/core';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { theme } from './src/web/app/theme.ts';

const THEME_CSS = 'virtual:mantine-theme.css';
const RESOLVED_THEME_CSS = '/@vaern/mantine-theme.css';

/** The breakpoint classes Mantine's <MantineClasses> would inject (hiddenFrom / visibleFrom). */
function breakpointClasses(full: MantineTheme): string {
  return Object.entries(full.breakpoints)
    .map(([name, value]) => {
      const px = Number.parseFloat(value) * (value.includes('px') ? 1 : 16);
      return (
        `@media (max-width: ${(px - 0.1) / 16}em) {.mantine-visible-from-${name} {display: none !important;}}` +
        `@media (min-width: ${px / 16}em) {.mantine-hidden-from-${name} {display: none !important;}}`
      );
    })
    .join('\n');
}

/**
 * Mantine's theme variables as a static style sheet. MantineProvider would inject them in a
 * <style> element, which `style-src 'self'` blocks; the app renders it with
 * withCssVariables={false} and withGlobalClasses={false} and gets the same CSS from this file.
 */
function mantineThemeCss(): Plugin {
  return {
    name: 'vaern:mantine-theme-css',
    resolveId: (id) => (id === THEME_CSS ? RESOLVED_THEME_CSS : undefined),
    load(id) {
      if (id !== RESOLVED_THEME_CSS) return undefined;
      const full = mergeMantineTheme(DEFAULT_THEME, theme);
      return `${convertCssVariables(defaultCssVariablesResolver(full), ':root')}\n${breakpointClasses(full)}\n`;
    },
  };
}

export default defineConfig({
  root: 'src/web',
  base: '/',
  plugins: [react(), mantineThemeCss()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    sourcemap: true,
    // The web app's own budget: the first page stays under 250 kB gzip (measured in the report).
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { '/api': 'http://localhost:8080' } },
});
