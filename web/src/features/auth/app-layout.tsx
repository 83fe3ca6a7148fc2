/**
 * The signed-in frame: a header (name, language, the user with their role, sign-out) and a navbar with
 * every screen. The navbar collapses behind a burger on small screens and on request on large ones.
 */
import { AppShell, Badge, Burger, Button, Group, NavLink, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { CurrentUser } from '../../api/types.ts';
import { can, isCoordinator, isWorker } from '../cases/case-format.ts';
import { LanguageSwitcher } from './language-switcher.tsx';
import { useCurrentUser, useSignOut } from './session.ts';

type NavPath =
  | '/'
  | '/requests/new'
  | '/requests'
  | '/queue'
  | '/providers'
  | '/entities'
  | '/duty-stations'
  | '/catalogue'
  | '/matrix'
  | '/routing'
  | '/maps/providers'
  | '/maps/peace-operations'
  | '/sla/calendars'
  | '/sla/policies'
  | '/sla/report'
  | '/surveys/mine'
  | '/surveys/results'
  | '/surveys/campaigns'
  | '/surveys/template'
  | '/planning'
  | '/planning/co-locations'
  | '/agreements'
  | '/agreement-template'
  | '/assignment-requests'
  | '/price-lists'
  | '/billing'
  | '/performance'
  | '/performance/flow'
  | '/performance/standards';

interface NavItem {
  to: NavPath;
  label: string;
  testId: string;
  /** Search parameters of the link; the item is active only when the page has the same ones. */
  search?: { assignee?: string; provider?: string };
  /** Active only on this exact path (not on the paths below it). */
  exact?: boolean;
  /** Shown only to users for whom this holds (by permission). */
  show?: (user: CurrentUser | null) => boolean;
}

const clientOnly = (u: CurrentUser | null) => can(u, 'cases:create') && !isWorker(u);
const readOnly = (u: CurrentUser | null) => can(u, 'cases:read') && !isWorker(u) && !can(u, 'cases:create');

const NAV: Array<{ section: string; items: NavItem[] }> = [
  { section: '', items: [{ to: '/', label: 'nav.home', testId: 'nav-home' }] },
  {
    section: 'nav.sectionCases',
    items: [
      { to: '/requests/new', label: 'nav.requestService', testId: 'nav-request', show: (u) => can(u, 'cases:create') },
      { to: '/requests', label: 'nav.myRequests', testId: 'nav-my-requests', exact: true, show: clientOnly },
      { to: '/queue', label: 'nav.queue', testId: 'nav-queue', exact: true, search: {}, show: isWorker },
      { to: '/queue', label: 'nav.myCases', testId: 'nav-my-cases', exact: true, search: { assignee: 'me' }, show: isWorker },
      {
        to: '/queue',
        label: 'nav.coordinationQueue',
        testId: 'nav-coordination-queue',
        exact: true,
        search: { provider: 'none' },
        show: isCoordinator,
      },
      { to: '/queue', label: 'nav.allCases', testId: 'nav-all-cases', exact: true, search: {}, show: readOnly },
    ],
  },
  {
    section: 'nav.sectionSurveys',
    items: [
      { to: '/surveys/mine', label: 'nav.mySurveys', testId: 'nav-my-surveys', show: (u) => can(u, 'cases:create') },
      {
        to: '/surveys/results',
        label: 'nav.surveyResults',
        testId: 'nav-survey-results',
        show: (u) => can(u, 'surveys:results'),
      },
      {
        to: '/surveys/campaigns',
        label: 'nav.surveyCampaigns',
        testId: 'nav-survey-campaigns',
        show: (u) => can(u, 'surveys:manage'),
      },
      {
        to: '/surveys/template',
        label: 'nav.surveyTemplate',
        testId: 'nav-survey-template',
        show: (u) => can(u, 'surveys:manage'),
      },
    ],
  },
  {
    section: 'nav.sectionPerformance',
    items: [
      {
        to: '/performance',
        label: 'nav.performance',
        testId: 'nav-performance',
        exact: true,
        show: (u) => can(u, 'performance:read'),
      },
      {
        to: '/performance/flow',
        label: 'nav.performanceFlow',
        testId: 'nav-performance-flow',
        show: (u) => can(u, 'performance:read'),
      },
      {
        to: '/performance/standards',
        label: 'nav.performanceStandards',
        testId: 'nav-performance-standards',
        show: (u) => can(u, 'performance:read'),
      },
    ],
  },
  {
    section: 'nav.sectionDirectory',
    items: [
      { to: '/providers', label: 'nav.providers', testId: 'nav-providers' },
      { to: '/entities', label: 'nav.entities', testId: 'nav-entities' },
      { to: '/duty-stations', label: 'nav.dutyStations', testId: 'nav-duty-stations' },
    ],
  },
  {
    section: 'nav.sectionServices',
    items: [
      { to: '/catalogue', label: 'nav.catalogue', testId: 'nav-catalogue' },
      { to: '/matrix', label: 'nav.matrix', testId: 'nav-matrix' },
      { to: '/routing', label: 'nav.routing', testId: 'nav-routing' },
    ],
  },
  {
    section: 'nav.sectionMaps',
    items: [
      { to: '/maps/providers', label: 'nav.mapProviders', testId: 'nav-map-providers' },
      { to: '/maps/peace-operations', label: 'nav.mapPeaceOperations', testId: 'nav-map-peace-operations' },
    ],
  },
  {
    section: 'nav.sectionSla',
    items: [
      { to: '/sla/calendars', label: 'nav.slaCalendars', testId: 'nav-sla-calendars', show: (u) => can(u, 'reference:read') },
      { to: '/sla/policies', label: 'nav.slaPolicies', testId: 'nav-sla-policies', show: (u) => can(u, 'reference:read') },
      { to: '/sla/report', label: 'nav.slaReport', testId: 'nav-sla-report', show: (u) => can(u, 'cases:read') },
    ],
  },
  {
    section: 'nav.sectionPlanning',
    items: [
      { to: '/planning', label: 'nav.planning', testId: 'nav-planning', exact: true, show: (u) => can(u, 'planning:read') },
      {
        to: '/planning/co-locations',
        label: 'nav.coLocations',
        testId: 'nav-co-locations',
        show: (u) => can(u, 'planning:read'),
      },
    ],
  },
  {
    section: 'nav.sectionAgreements',
    items: [
      { to: '/agreements', label: 'nav.agreements', testId: 'nav-agreements', show: (u) => can(u, 'agreements:read') },
      {
        to: '/agreement-template',
        label: 'nav.agreementTemplate',
        testId: 'nav-agreement-template',
        show: (u) => can(u, 'agreements:manage'),
      },
      {
        to: '/assignment-requests',
        label: 'nav.assignmentRequests',
        testId: 'nav-assignment-requests',
        show: (u) => can(u, 'agreements:read'),
      },
      { to: '/price-lists', label: 'nav.priceLists', testId: 'nav-price-lists', show: (u) => can(u, 'billing:read') },
      { to: '/billing', label: 'nav.billing', testId: 'nav-billing', show: (u) => can(u, 'billing:read') },
    ],
  },
];

function UserBox() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const signOut = useSignOut(() => navigate({ to: '/sign-in', search: {} }));
  if (!user) return null;
  return (
    <Group gap="sm" wrap="nowrap">
      <Stack gap={0} align="flex-end" visibleFrom="sm">
        <Text size="sm" fw={600} data-testid="user-name" lh={1.2}>
          {user.name}
        </Text>
        <Group gap={4} wrap="nowrap">
          <Badge size="xs" variant="light" data-testid="user-role">
            {t(`role.${user.role}`, { defaultValue: user.role })}
          </Badge>
          {user.scope && (
            <Text size="xs" c="dimmed">
              {user.scope.code}
            </Text>
          )}
        </Group>
      </Stack>
      <Button variant="default" size="xs" loading={signOut.isPending} data-testid="sign-out" onClick={() => signOut.mutate()}>
        {t('header.signOut')}
      </Button>
    </Group>
  );
}

export function AppLayout() {
  const { t } = useTranslation();
  const [mobileOpened, mobile] = useDisclosure(false);
  const [desktopOpened, desktop] = useDisclosure(true);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const search = useRouterState({ select: (s) => s.location.search }) as Record<string, unknown>;
  const user = useCurrentUser();
  const isActive = (item: NavItem) => {
    if (item.to === '/') return pathname === '/';
    if (!item.exact) return pathname.startsWith(item.to);
    if (pathname !== item.to) return false;
    return !item.search || (search.assignee === item.search.assignee && search.provider === item.search.provider);
  };

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !mobileOpened, desktop: !desktopOpened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={mobileOpened} onClick={mobile.toggle} hiddenFrom="sm" size="sm" aria-label={t('header.toggleNav')} />
            <Burger
              opened={desktopOpened}
              onClick={desktop.toggle}
              visibleFrom="sm"
              size="sm"
              aria-label={t('header.toggleNav')}
            />
            <Stack gap={0}>
              <Title order={1} fz={20} lh={1.1}>
                {t('app.name')}
              </Title>
              <Text size="xs" c="dimmed" visibleFrom="md" lh={1.2}>
                {t('app.tagline')}
              </Text>
            </Stack>
          </Group>
          <Group gap="md" wrap="nowrap">
            <LanguageSwitcher />
            <UserBox />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('nav.label')}>
        <ScrollArea type="never">
          <nav>
            {NAV.map((section) => ({ ...section, items: section.items.filter((i) => !i.show || i.show(user)) }))
              .filter((section) => section.items.length > 0)
              .map((section) => (
                <Stack key={section.section || 'top'} gap={0} mb="sm">
                  {section.section && (
                    <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" py={6}>
                      {t(section.section)}
                    </Text>
                  )}
                  {section.items.map((item) => (
                    <NavLink
                      key={item.testId}
                      label={t(item.label)}
                      active={isActive(item)}
                      data-testid={item.testId}
                      onClick={mobile.close}
                      renderRoot={(props) => (
                        <Link
                          to={item.to}
                          search={item.search ?? {}}
                          // TanStack marks a link aria-current on any path below it: only on the very page for these
                          activeOptions={item.exact ? { exact: true, includeSearch: true } : undefined}
                          {...props}
                        />
                      )}
                    />
                  ))}
                </Stack>
              ))}
          </nav>
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
