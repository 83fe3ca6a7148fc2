/**
 * Version 1 of the common client-satisfaction survey (report para 53: one survey for every provider, so
 * that results compare). Written, published, by migration 20261129T1800-surveys; never edit it here:
 * change the template in the template editor, which makes a new version.
 */
import type { TemplateContent } from './surveys.schema.ts';

export const COMMON_TEMPLATE_V1: TemplateContent & { code: string } = {
  code: 'common',
  title: { en: 'Client satisfaction survey', fr: 'Enquête de satisfaction des clients' },
  intro: {
    en: 'Tell us how the service went. It takes two minutes; your answers help every provider improve.',
    fr: 'Dites-nous comment s’est passé le service. Cela prend deux minutes ; vos réponses aident chaque prestataire à s’améliorer.',
  },
  questions: [
    {
      key: 'overall',
      type: 'rating',
      required: true,
      overall: true,
      label: {
        en: 'Overall, how satisfied are you with the service you received?',
        fr: 'Dans l’ensemble, dans quelle mesure êtes-vous satisfait(e) du service reçu ?',
      },
    },
    {
      key: 'timeliness',
      type: 'rating',
      required: false,
      label: { en: 'How satisfied are you with the time it took?', fr: 'Dans quelle mesure êtes-vous satisfait(e) du délai ?' },
    },
    {
      key: 'communication',
      type: 'rating',
      required: false,
      label: {
        en: 'How satisfied are you with how we kept you informed?',
        fr: 'Dans quelle mesure êtes-vous satisfait(e) de la manière dont nous vous avons tenu(e) informé(e) ?',
      },
    },
    {
      key: 'recommend',
      type: 'recommendation',
      required: false,
      label: {
        en: 'How likely are you to recommend this service provider to a colleague?',
        fr: 'Quelle est la probabilité que vous recommandiez ce prestataire à un(e) collègue ?',
      },
    },
    {
      key: 'resolved',
      type: 'single',
      required: false,
      label: { en: 'Was your request fully resolved?', fr: 'Votre demande a-t-elle été entièrement réglée ?' },
      options: [
        { key: 'yes', label: { en: 'Yes', fr: 'Oui' } },
        { key: 'partly', label: { en: 'Partly', fr: 'En partie' } },
        { key: 'no', label: { en: 'No', fr: 'Non' } },
      ],
    },
    {
      key: 'improve',
      type: 'multiple',
      required: false,
      label: { en: 'What could be improved?', fr: 'Qu’est-ce qui pourrait être amélioré ?' },
      options: [
        { key: 'speed', label: { en: 'Speed', fr: 'Rapidité' } },
        { key: 'communication', label: { en: 'Communication', fr: 'Communication' } },
        { key: 'quality', label: { en: 'Quality of the result', fr: 'Qualité du résultat' } },
        { key: 'simplicity', label: { en: 'Simpler procedures', fr: 'Procédures plus simples' } },
        { key: 'follow-up', label: { en: 'Follow-up', fr: 'Suivi' } },
      ],
    },
    {
      key: 'comment',
      type: 'text',
      required: false,
      label: { en: 'Anything else you would like to tell us?', fr: 'Souhaitez-vous nous dire autre chose ?' },
    },
  ],
};
