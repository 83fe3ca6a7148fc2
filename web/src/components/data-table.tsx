/**
 * A table over one page of a server-side list: sortable headers (the API sorts), pagination and page size
 * (the API pages), skeleton rows while the first page loads, a dimmed body while the next one does, and an
 * empty state when nothing matches. The counter names the rows of the page shown ("26–50 of 205"; nothing for an
 * empty list); a page beyond the last is the list's to leave (`useLastPageWhenBeyond` in lib/paging.ts).
 */
import { Box, Group, Loader, Pagination, Select, Skeleton, Table, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SortOrder } from '../features/directory/directory.api.ts';
import { pageCount, pageRange } from '../lib/paging.ts';
import { PAGE_SIZES } from '../lib/search-params.ts';

export interface Column<T> {
  key: string;
  header: ReactNode;
  /** The API's sort key, when the column can be sorted. */
  sortKey?: string;
  render: (row: T) => ReactNode;
  width?: number | string;
  nowrap?: boolean;
}

export interface DataTableProps<T> {
  testId: string;
  caption: string;
  columns: Column<T>[];
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  total: number;
  page: number;
  pageSize: number;
  loading: boolean;
  fetching: boolean;
  sort?: string;
  order?: SortOrder;
  onSort?: (sortKey: string, order: SortOrder) => void;
  onPage: (page: number) => void;
  onPageSize: (pageSize: number) => void;
  empty: ReactNode;
  /** Extra attributes of a body row (e.g. `data-selected`, `bg` of a selected row). */
  rowProps?: (row: T) => Record<string, unknown>;
}

function SortHeader({
  label,
  active,
  order,
  onClick,
}: {
  label: ReactNode;
  active: boolean;
  order: SortOrder | undefined;
  onClick: () => void;
}) {
  const { t } = useTranslation();
  const arrow = active ? (order === 'desc' ? '↓' : '↑') : '↕';
  return (
    <UnstyledButton onClick={onClick} style={{ fontWeight: 600, display: 'inline-flex', gap: 6, alignItems: 'center' }}>
      {label}
      <Text span c={active ? undefined : 'dimmed'} size="sm" aria-hidden>
        {arrow}
      </Text>
      <VisuallyHidden>
        {active ? (order === 'desc' ? t('table.sortedDesc') : t('table.sortedAsc')) : t('table.sortable')}
      </VisuallyHidden>
    </UnstyledButton>
  );
}

export function DataTable<T>(props: DataTableProps<T>) {
  const { t, i18n } = useTranslation();
  const { columns, rows, total, page, pageSize } = props;
  const pages = pageCount(total, pageSize);
  // null for an empty list: its empty state says so, a counter "0–0 of 0" would not add anything
  const range = pageRange(total, page, pageSize);
  const nf = new Intl.NumberFormat(i18n.language);

  let body: ReactNode;
  if (props.loading && !rows) {
    body = Array.from({ length: 6 }, (_, i) => (
      // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows have no identity
      <Table.Tr key={i}>
        {columns.map((c) => (
          <Table.Td key={c.key}>
            <Skeleton height={14} radius="sm" />
          </Table.Td>
        ))}
      </Table.Tr>
    ));
  } else if (rows && rows.length === 0) {
    body = (
      <Table.Tr>
        <Table.Td colSpan={columns.length}>{props.empty}</Table.Td>
      </Table.Tr>
    );
  } else {
    body = (rows ?? []).map((row) => (
      <Table.Tr key={props.rowKey(row)} data-testid={`${props.testId}-row`} {...props.rowProps?.(row)}>
        {columns.map((c) => (
          <Table.Td key={c.key} style={c.nowrap ? { whiteSpace: 'nowrap' } : undefined}>
            {c.render(row)}
          </Table.Td>
        ))}
      </Table.Tr>
    ));
  }

  return (
    <Box>
      <Table.ScrollContainer minWidth={720}>
        <Table
          data-testid={props.testId}
          striped
          highlightOnHover
          verticalSpacing="xs"
          aria-busy={props.fetching}
          style={{ opacity: props.fetching && rows ? 0.6 : 1, transition: 'opacity 120ms' }}
        >
          <Table.Caption style={{ captionSide: 'top', textAlign: 'start' }}>
            <VisuallyHidden>{props.caption}</VisuallyHidden>
          </Table.Caption>
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => {
                const active = c.sortKey !== undefined && props.sort === c.sortKey;
                return (
                  <Table.Th
                    key={c.key}
                    w={c.width}
                    aria-sort={active ? (props.order === 'desc' ? 'descending' : 'ascending') : undefined}
                  >
                    {c.sortKey && props.onSort ? (
                      <SortHeader
                        label={c.header}
                        active={active}
                        order={props.order}
                        onClick={() => {
                          const sortKey = c.sortKey as string;
                          props.onSort?.(sortKey, active && props.order !== 'desc' ? 'desc' : 'asc');
                        }}
                      />
                    ) : (
                      c.header
                    )}
                  </Table.Th>
                );
              })}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>{body}</Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group justify="space-between" mt="sm" wrap="wrap" gap="sm">
        <Group gap="xs">
          {range && (
            <Text size="sm" c="dimmed" data-testid={`${props.testId}-range`}>
              {t('table.showing', { from: nf.format(range.from), to: nf.format(range.to), total: nf.format(total) })}
            </Text>
          )}
          {props.fetching && <Loader size="xs" aria-label={t('common.loading')} />}
        </Group>
        <Group gap="sm">
          <Select
            aria-label={t('table.pageSize')}
            w={130}
            size="xs"
            allowDeselect={false}
            data={PAGE_SIZES.map((n) => ({ value: String(n), label: t('table.perPage', { count: n }) }))}
            value={String(pageSize)}
            onChange={(v) => v && props.onPageSize(Number(v))}
          />
          <Pagination
            size="sm"
            total={pages}
            value={Math.min(page, pages)}
            onChange={props.onPage}
            getControlProps={(control) => ({
              'aria-label': control === 'previous' ? t('table.previous') : control === 'next' ? t('table.next') : undefined,
            })}
            getItemProps={(p) => ({ 'aria-label': t('table.page', { page: p }) })}
          />
        </Group>
      </Group>
    </Box>
  );
}
