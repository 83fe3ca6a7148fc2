/** Mantine theme: UN blue as the primary colour, system fonts. */
import { Badge, createTheme, type MantineColorsTuple } from '@mantine/core';

const unBlue: MantineColorsTuple = [
  '#e1f6ff',
  '#cce7ff',
  '#9bcdfb',
  '#66b2f7',
  '#3b9af3',
  '#1f8cf1',
  '#0084f1',
  '#0072d7',
  '#0065c2',
  '#0057ab',
];

export const theme = createTheme({
  primaryColor: 'unBlue',
  colors: { unBlue },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '650' },
  defaultRadius: 'sm',
  components: {
    // badges carry kinds and statuses: never cut them short in narrow table columns
    Badge: Badge.extend({ styles: { root: { textTransform: 'none', minWidth: 'max-content' } } }),
  },
});
