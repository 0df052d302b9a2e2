import { createTheme } from '@mantine/core';

/**
 * The Værn theme. `primaryShade: 8` gives filled buttons a colour contrast of at least 4.5:1
 * (Mantine's default shade 6 reaches 4.19:1). Its CSS variables are written to a static style
 * sheet at build time (see vite.config.ts), because the strict CSP forbids Mantine's inline <style>.
 */
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  defaultRadius: 'sm',
});
