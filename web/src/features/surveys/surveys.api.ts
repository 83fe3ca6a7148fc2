/**
 * Types, queries and changes of the surveys (`/api/survey-links/*`, `/api/surveys/*`). The answer page's
 * token travels in the URL fragment and in request bodies only, never in a URL the server sees.
 */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { LocalizedText } from '../../api/types.ts';

export type QuestionType = 'rating' | 'recommendation' | 'single' | 'multiple' | 'text';
export const QUESTION_TYPES: readonly QuestionType[] = ['rating', 'recommendation', 'single', 'multiple', 'text'];

export interface SurveyOption {
  key: string;
  label: LocalizedText;
}
export interface SurveyQuestion {
  key: string;
  type: QuestionType;
  required: boolean;
  label: LocalizedText;
  options?: SurveyOption[];
  overall?: boolean;
}
export interface TemplateContent {
  title: LocalizedText;
  intro: LocalizedText;
  questions: SurveyQuestion[];
}
export interface SurveyTemplate extends TemplateContent {
  id: number;
  code: string;
  version: number;
  status: 'draft' | 'published' | 'retired';
  createdAt: string;
  publishedAt: string | null;
}

export type AnswerValue = number | string | string[];
export type Answers = Record<string, AnswerValue>;

interface Named {
  code: string;
  name: LocalizedText;
}

export interface SurveyForm {
  kind: 'transactional' | 'campaign';
  id: string;
  anonymous: boolean;
  template: SurveyTemplate;
  case: { reference: string; title: string } | null;
  campaign: { id: number; name: string; periodStart: string; periodEnd: string } | null;
  provider: Named | null;
  service: Named | null;
  entity: Named | null;
  expiresAt: string | null;
  answeredAt: string | null;
  answers: Answers | null;
}

export interface AnswerResult {
  status: 'recorded' | 'updated' | 'unchanged';
}

export interface MySurvey {
  kind: 'transactional' | 'campaign';
  id: string;
  title: string;
  reference: string | null;
  provider: Named | null;
  anonymous: boolean;
  expiresAt: string | null;
  answered: boolean;
}

export interface Campaign {
  id: number;
  name: string;
  templateVersion: number;
  anonymous: boolean;
  status: 'draft' | 'open' | 'closed';
  periodStart: string;
  periodEnd: string;
  closesAt: string;
  reminderIntervalDays: number | null;
  entities: string[];
  createdAt: string;
  launchedAt: string | null;
  lastReminderAt: string | null;
  closedAt: string | null;
  targets: number;
  responded: number;
  responseRate: number | null;
}

export interface CampaignDetail {
  campaign: Campaign;
  targets: {
    id: string;
    user: { id: number; name: string; email: string };
    entity: string;
    provider: string;
    responded: boolean;
    remindersSent: number;
  }[];
  byEntity: { entity: string; targets: number; responded: number }[];
  smallAnonymousGroups: string[];
}

export interface CampaignInput {
  name: string;
  anonymous: boolean;
  periodStart: string;
  periodEnd: string;
  closesOn: string;
  reminderIntervalDays: number | null;
  entities: string[];
}

export const GROUP_BY = ['provider', 'service', 'entity', 'month', 'quarter', 'year'] as const;
export type GroupBy = (typeof GROUP_BY)[number];
export const SOURCES = ['all', 'transactional', 'campaign'] as const;
export type Source = (typeof SOURCES)[number];

export interface ResultRow {
  key: string;
  name: LocalizedText | null;
  responses: number;
  meanRating: number | null;
  nps: number | null;
  invited: number;
  answered: number;
  responseRate: number | null;
  withheldAnonymous: number;
}
export interface Results {
  groupBy: GroupBy;
  from: string;
  to: string;
  rows: ResultRow[];
  total: ResultRow;
  distributions: Record<string, Record<string, number>>;
  minAnonymousGroup: number;
}
export interface ResultParams {
  from: string;
  to: string;
  groupBy: GroupBy;
  source: Source;
}

export interface SurveyComment {
  id: string;
  body: string;
  questionKey: string;
  periodDate: string;
  anonymous: boolean;
  overallRating: number | null;
  provider: string | null;
  service: string | null;
  entity: string | null;
  caseReference: string | null;
  campaign: string | null;
  painPoint: boolean;
  painPointNote: string | null;
}

// ---------------------------------------------------------------- answer page (public)

export const openLink = (token: string) => api<SurveyForm>('/api/survey-links/open', { method: 'POST', body: { token } });
export const answerLink = (token: string, language: string, answers: Answers) =>
  api<AnswerResult>('/api/survey-links/answer', { method: 'POST', body: { token, language, answers } });

// ---------------------------------------------------------------- my surveys

export const mySurveysQuery = queryOptions({
  queryKey: ['surveys', 'mine'],
  queryFn: ({ signal }) => api<MySurvey[]>('/api/surveys/mine', { signal }),
  staleTime: 10_000,
});
export const mySurveyQuery = (kind: string, id: string) =>
  queryOptions({
    queryKey: ['surveys', 'mine', kind, id],
    queryFn: ({ signal }) =>
      api<SurveyForm>(`/api/surveys/mine/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`, { signal }),
    retry: false,
  });
export const answerMine = (kind: string, id: string, language: string, answers: Answers) =>
  api<AnswerResult>(`/api/surveys/mine/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`, {
    method: 'PUT',
    body: { language, answers },
  });

// ---------------------------------------------------------------- template

export const templatesQuery = queryOptions({
  queryKey: ['surveys', 'templates'],
  queryFn: ({ signal }) => api<SurveyTemplate[]>('/api/surveys/templates', { signal }),
});
export const startDraft = () => api<SurveyTemplate>('/api/surveys/templates/draft', { method: 'POST' });
export const saveDraft = (id: number, content: TemplateContent) =>
  api<SurveyTemplate>(`/api/surveys/templates/${id}`, { method: 'PUT', body: content });
export const publishDraft = (id: number) => api<SurveyTemplate>(`/api/surveys/templates/${id}/publish`, { method: 'POST' });
export const discardDraft = (id: number) => api<void>(`/api/surveys/templates/${id}`, { method: 'DELETE' });

// ---------------------------------------------------------------- campaigns

export const campaignsQuery = queryOptions({
  queryKey: ['surveys', 'campaigns'],
  queryFn: ({ signal }) => api<Campaign[]>('/api/surveys/campaigns', { signal }),
});
export const campaignQuery = (id: number) =>
  queryOptions({
    queryKey: ['surveys', 'campaigns', id],
    queryFn: ({ signal }) => api<CampaignDetail>(`/api/surveys/campaigns/${id}`, { signal }),
  });
export const createCampaign = (input: CampaignInput) => api<Campaign>('/api/surveys/campaigns', { method: 'POST', body: input });
export const campaignAction = (id: number, action: 'launch' | 'remind' | 'close') =>
  api<{ emails?: number; campaign?: Campaign }>(`/api/surveys/campaigns/${id}/${action}`, { method: 'POST' });

// ---------------------------------------------------------------- results

export const resultsQuery = (p: ResultParams & { provider?: string; entity?: string; service?: string }) =>
  queryOptions({
    queryKey: ['surveys', 'results', p],
    queryFn: ({ signal }) => api<Results>('/api/surveys/results', { query: { ...p }, signal }),
    placeholderData: keepPreviousData,
  });
export const commentsQuery = (p: { from: string; to: string; painPoint?: 'true'; page: number; pageSize: number }) =>
  queryOptions({
    queryKey: ['surveys', 'comments', p],
    queryFn: ({ signal }) =>
      api<{ items: SurveyComment[]; total: number; page: number; pageSize: number }>('/api/surveys/comments', {
        query: { ...p },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
export const flagComment = (id: string, painPoint: boolean, note?: string) =>
  api<{ id: string; painPoint: boolean; painPointNote: string | null }>(`/api/surveys/comments/${id}/pain-point`, {
    method: 'PUT',
    body: { painPoint, ...(note ? { note } : {}) },
  });
