/** What a list shows when nothing matches: why, and a way out (clear the search and filters). */
import { Button, EmptyState } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function EmptyResult({ filtered, onClear, testId }: { filtered: boolean; onClear: () => void; testId?: string }) {
  const { t } = useTranslation();
  return (
    <EmptyState
      py="xl"
      data-testid={testId ?? 'empty-result'}
      title={filtered ? t('empty.noMatchTitle') : t('empty.noDataTitle')}
      description={filtered ? t('empty.noMatchDescription') : t('empty.noDataDescription')}
    >
      {filtered && (
        <Button variant="light" size="xs" mt="sm" onClick={onClear}>
          {t('empty.clearFilters')}
        </Button>
      )}
    </EmptyState>
  );
}
