/** Two links that download the current view as CSV and as XLSX (the server builds the file). */
import { Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { exportUrl } from './performance.api.ts';

export function ExportButtons({
  view,
  params,
}: {
  view: 'dashboard' | 'drilldown' | 'flow';
  params: Record<string, string | undefined>;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Group gap="xs">
      {(['csv', 'xlsx'] as const).map((format) => (
        <Button
          key={format}
          component="a"
          href={exportUrl(view, format, i18n.language, params)}
          download
          variant="default"
          size="xs"
          data-testid={`export-${format}`}
        >
          {t(`performance.export.${format}`)}
        </Button>
      ))}
    </Group>
  );
}
