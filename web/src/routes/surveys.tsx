/**
 * The survey screens: the public answer page of a link (`/survey#<token>`, no sign-in), "My surveys"
 * (`/surveys/mine`, and one survey at `/surveys/mine/<kind>/<id>`), the results dashboard
 * (`/surveys/results`), the campaign manager (`/surveys/campaigns`) and the template editor
 * (`/surveys/template`). Screens that need a permission say so when the user lacks it.
 */
import { Alert, Stack } from '@mantine/core';
import { createRoute } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useCurrentUser } from '../features/auth/session.ts';
import { can } from '../features/cases/case-format.ts';
import { AnswerPage } from '../features/surveys/answer-page.tsx';
import { CampaignsPage } from '../features/surveys/campaigns-page.tsx';
import { MySurveyPage, MySurveysPage } from '../features/surveys/my-surveys-page.tsx';
import { ResultsPage } from '../features/surveys/results-page.tsx';
import {
  type SurveyResultsSearch,
  validateMySurveysSearch,
  validateSurveyResultsSearch,
} from '../features/surveys/survey-search.ts';
import { TemplateEditorPage } from '../features/surveys/template-editor-page.tsx';
import { compact } from '../lib/search-params.ts';
import { appRoute } from './app.tsx';
import { rootRoute } from './root.tsx';

function RequireSurveyPermission({ permission, children }: { permission: string; children: ReactNode }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  if (!can(user, permission))
    return (
      <Stack maw={700}>
        <Alert color="yellow" variant="light" title={t('surveys.notAllowedTitle')} data-testid="not-allowed">
          {t('surveys.notAllowedBody')}
        </Alert>
      </Stack>
    );
  return <>{children}</>;
}

/** Public: the signed link is the credential. */
export const surveyAnswerRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/survey',
  component: AnswerPage,
});

export const mySurveysRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/surveys/mine',
  validateSearch: validateMySurveysSearch,
  component: function MySurveysRoute() {
    const { saved } = mySurveysRoute.useSearch();
    return <MySurveysPage saved={saved} />;
  },
});

export const mySurveyRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/surveys/mine/$kind/$id',
  component: function MySurveyRoute() {
    const { kind, id } = mySurveyRoute.useParams();
    return <MySurveyPage key={`${kind}-${id}`} kind={kind} id={id} />;
  },
});

export const surveyResultsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/surveys/results',
  validateSearch: validateSurveyResultsSearch,
  component: function SurveyResultsRoute() {
    const search = surveyResultsRoute.useSearch();
    const navigate = surveyResultsRoute.useNavigate();
    const setSearch = (patch: Partial<SurveyResultsSearch>) =>
      void navigate({ search: (prev) => compact({ ...prev, ...patch }), replace: true });
    return (
      <RequireSurveyPermission permission="surveys:results">
        <ResultsPage search={search} setSearch={setSearch} />
      </RequireSurveyPermission>
    );
  },
});

export const surveyCampaignsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/surveys/campaigns',
  component: () => (
    <RequireSurveyPermission permission="surveys:manage">
      <CampaignsPage />
    </RequireSurveyPermission>
  ),
});

export const surveyTemplateRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/surveys/template',
  component: () => (
    <RequireSurveyPermission permission="surveys:manage">
      <TemplateEditorPage />
    </RequireSurveyPermission>
  ),
});
