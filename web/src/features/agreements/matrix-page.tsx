/**
 * "Who serves whom": client entities (rows) by services (columns, grouped by service line); each cell is the
 * provider assigned today, coloured by the provider's kind. Hovering (or focusing) a cell shows the provider,
 * the scope, cost recovery and the report paragraph the assignment rests on; clicking opens the routing
 * look-up for that entity and service. Filters and the page live in the URL; the API pages over entities.
 */
import { Box, Group, Pagination, Select, Skeleton, Stack, Text, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FocusEvent, Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { ENTITY_KINDS, type EntityKind, type MatrixCell, type MatrixRow, type MatrixService } from '../../api/types.ts';
import { EmptyResult } from '../../components/empty-result.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { HoverCard, useHoverCard } from '../../components/hover-card.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { SearchInput } from '../../components/search-input.tsx';
import { providerColor } from '../../lib/kinds.ts';
import { useLocalized } from '../../lib/localized.ts';
import { pageRange, useLastPageWhenBeyond } from '../../lib/paging.ts';
import { PAGE_SIZES } from '../../lib/search-params.ts';
import { serviceLinesQuery } from '../catalogue/catalogue.api.ts';
import { ProviderKindLegend } from '../directory/kind-legend.tsx';
import { matrixQuery } from './agreements.api.ts';
import { BasisBlock, ScopeAndCost } from './assignment-details.tsx';
import classes from './matrix.module.css';
import { MATRIX_PAGE_SIZE, type MatrixSearch } from './matrix-search.ts';

interface Hovered {
  row: MatrixRow;
  service: MatrixService;
  cell: MatrixCell | undefined;
}

function groupByLine(services: MatrixService[]) {
  const groups: Array<{ code: string; name: MatrixService['serviceLine']['name']; services: MatrixService[] }> = [];
  for (const s of services) {
    const last = groups[groups.length - 1];
    if (last && last.code === s.serviceLine.code) last.services.push(s);
    else groups.push({ code: s.serviceLine.code, name: s.serviceLine.name, services: [s] });
  }
  return groups;
}

function CellCard({ data }: { data: Hovered }) {
  const { t } = useTranslation();
  const l = useLocalized();
  const { row, service, cell } = data;
  return (
    <Stack gap={6} data-testid="matrix-tooltip">
      <Text size="xs" c="dimmed">
        {row.entity.code} · {l(row.entity.name)}
      </Text>
      <Text size="xs" c="dimmed">
        {service.code} · {l(service.name)} · {t(`delivery.${service.delivery}`)}
      </Text>
      {cell ? (
        <>
          <Group gap={6} wrap="nowrap" align="baseline">
            <Text fw={700} c={providerColor(cell.provider.kind).hex}>
              {cell.provider.code}
            </Text>
            <Text size="sm" fw={500}>
              {l(cell.provider.name)}
            </Text>
          </Group>
          <Text size="xs">{t(`providerKind.${cell.provider.kind}`, { defaultValue: cell.provider.kind })}</Text>
          <ScopeAndCost scope={cell.scope} costRecovery={cell.costRecovery} />
          <BasisBlock basis={cell.basis} />
          <Text size="xs" c="dimmed" fs="italic">
            {t('matrix.clickToRoute')}
          </Text>
        </>
      ) : (
        <Text size="sm">{t('matrix.noProvider')}</Text>
      )}
    </Stack>
  );
}

export function MatrixPage({ search, setSearch }: { search: MatrixSearch; setSearch: (patch: Partial<MatrixSearch>) => void }) {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const navigate = useNavigate();
  const hover = useHoverCard<Hovered>();
  const page = search.page ?? 1;
  const pageSize = search.pageSize ?? MATRIX_PAGE_SIZE;
  const lines = useQuery(serviceLinesQuery);
  const matrix = useQuery(matrixQuery({ q: search.q, kind: search.kind, serviceLine: search.serviceLine, page, pageSize }));
  const data = matrix.data;
  useLastPageWhenBeyond(data, page, (p) => setSearch({ page: p }));
  const groups = groupByLine(data?.services ?? []);
  const pages = Math.max(1, Math.ceil((data?.total ?? 0) / pageSize));
  const nf = new Intl.NumberFormat(i18n.language);
  const filtered = Boolean(search.q || search.kind || search.serviceLine);

  const showFromFocus = (e: FocusEvent<HTMLElement>, h: Hovered) => {
    const r = e.currentTarget.getBoundingClientRect();
    hover.show({ clientX: r.right, clientY: r.bottom }, h);
  };

  return (
    <Stack gap="sm">
      <PageHeader title={t('matrix.title')} description={t('matrix.description')} />
      <Group align="flex-end" gap="sm" wrap="wrap">
        <SearchInput
          value={search.q ?? ''}
          onChange={(q) => setSearch({ q: q || undefined, page: undefined })}
          placeholder={t('matrix.searchPlaceholder')}
          testId="matrix-search"
          w={280}
        />
        <Select
          w={260}
          label={t('fields.entityKind')}
          placeholder={t('common.allKinds')}
          clearable
          data-testid="matrix-kind"
          data={ENTITY_KINDS.map((k) => ({ value: k, label: t(`entityKind.${k}`) }))}
          value={search.kind ?? null}
          onChange={(v) => setSearch({ kind: (v as EntityKind | null) ?? undefined, page: undefined })}
        />
        <Select
          w={280}
          label={t('fields.serviceLine')}
          placeholder={t('common.allServiceLines')}
          clearable
          data-testid="matrix-service-line"
          data={(lines.data ?? []).map((x) => ({ value: x.code, label: l(x.name) }))}
          value={search.serviceLine ?? null}
          onChange={(v) => setSearch({ serviceLine: v ?? undefined, page: undefined })}
        />
      </Group>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <ProviderKindLegend />
        <Group gap={6}>
          <Box w={18} h={4} bg="orange.5" />
          <Text size="xs">{t('matrix.onSiteLegend')}</Text>
        </Group>
      </Group>
      <ErrorAlert error={matrix.error} />
      {matrix.isPending ? (
        <Skeleton height={420} radius="md" />
      ) : data && data.items.length === 0 ? (
        <EmptyResult
          filtered={filtered}
          onClear={() => setSearch({ q: undefined, kind: undefined, serviceLine: undefined, page: undefined })}
          testId="matrix-empty"
        />
      ) : data ? (
        <div className={classes.scroller} onScroll={hover.hide}>
          <table
            className={classes.table}
            data-testid="matrix-table"
            aria-busy={matrix.isFetching}
            style={{ opacity: matrix.isFetching ? 0.6 : 1 }}
          >
            <caption style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>
              {t('matrix.caption')}
            </caption>
            <thead>
              <tr>
                <th className={classes.corner} rowSpan={2} scope="col">
                  <Text size="xs" fw={600}>
                    {t('matrix.entityHeader')}
                  </Text>
                  <Text size="xs" c="dimmed" fw={400}>
                    {t('matrix.serviceHeader')}
                  </Text>
                </th>
                {groups.map((g) => (
                  <th key={g.code} className={classes.lineHeader} colSpan={g.services.length} scope="colgroup" title={l(g.name)}>
                    <span className={classes.lineName}>{g.services.length > 1 ? l(g.name) : g.code}</span>
                  </th>
                ))}
              </tr>
              <tr>
                {groups.map((g) => (
                  <Fragment key={g.code}>
                    {g.services.map((s) => (
                      <th
                        key={s.code}
                        scope="col"
                        className={`${classes.serviceHeader} ${s.delivery === 'on-site' ? classes.serviceHeaderOnSite : ''}`}
                        title={`${s.code} · ${l(s.name)} · ${t(`delivery.${s.delivery}`)}`}
                        data-testid={`matrix-service-${s.code}`}
                      >
                        <span className={classes.serviceName}>{l(s.name)}</span>
                      </th>
                    ))}
                  </Fragment>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.items.map((row) => (
                <tr key={row.entity.code} className={classes.row} data-testid={`matrix-row-${row.entity.code}`}>
                  <th scope="row" className={classes.entityCell} title={l(row.entity.name)}>
                    <Text size="xs" fw={700}>
                      {row.entity.code}
                    </Text>
                    <Text size="xs" c="dimmed" lineClamp={2} lh={1.25}>
                      {l(row.entity.name)}
                    </Text>
                  </th>
                  {data.services.map((s) => {
                    const cell = row.cells[s.code];
                    const h: Hovered = { row, service: s, cell };
                    const color = cell ? providerColor(cell.provider.kind) : null;
                    return (
                      <td key={s.code} className={classes.cell} data-testid={`matrix-cell-${row.entity.code}-${s.code}`}>
                        {cell && color ? (
                          <UnstyledButton
                            className={classes.cellButton}
                            style={{ color: color.hex, background: `${color.hex}14` }}
                            aria-label={t('matrix.cellLabel', {
                              entity: row.entity.code,
                              service: l(s.name),
                              provider: cell.provider.code,
                            })}
                            onMouseEnter={(e) => hover.show(e, h)}
                            onMouseMove={hover.move}
                            onMouseLeave={hover.hide}
                            onFocus={(e) => showFromFocus(e, h)}
                            onBlur={hover.hide}
                            onClick={() => {
                              hover.hide();
                              void navigate({ to: '/routing', search: { entity: row.entity.code, service: s.code } });
                            }}
                          >
                            {cell.provider.code}
                          </UnstyledButton>
                        ) : (
                          <span className={classes.empty} title={t('matrix.noProvider')}>
                            —
                          </span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {data && data.items.length > 0 && (
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Text size="sm" c="dimmed" data-testid="matrix-range">
            {t('matrix.showing', {
              from: nf.format(pageRange(data.total, page, pageSize)?.from ?? 0),
              to: nf.format(pageRange(data.total, page, pageSize)?.to ?? 0),
              total: nf.format(data.total),
              services: nf.format(data.services.length),
            })}
          </Text>
          <Group gap="sm">
            <Select
              aria-label={t('table.pageSize')}
              w={130}
              size="xs"
              allowDeselect={false}
              data={PAGE_SIZES.map((n) => ({ value: String(n), label: t('table.perPage', { count: n }) }))}
              value={String(pageSize)}
              onChange={(v) => v && setSearch({ pageSize: Number(v), page: undefined })}
            />
            <Pagination
              size="sm"
              total={pages}
              value={Math.min(page, pages)}
              onChange={(p) => setSearch({ page: p })}
              data-testid="matrix-pagination"
            />
          </Group>
        </Group>
      )}
      <HoverCard state={hover.state} width={360}>
        {(d) => <CellCard data={d} />}
      </HoverCard>
    </Stack>
  );
}
