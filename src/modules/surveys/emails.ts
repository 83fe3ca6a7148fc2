/**
 * The survey e-mails, in the recipient's language (French for `fr*` locales, else English). Plain text;
 * queued in the outbox without a case id, so that they carry no `[MER-…]` tag and a reply is not threaded
 * onto the case.
 */

type Lang = 'en' | 'fr';

/** `fr` for French locales, else `en`. */
export function emailLanguage(locale: string | null | undefined): Lang {
  return locale?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

function dateText(d: Date, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(d);
}

/** The invitation after a resolved case. */
export function invitationEmail(
  locale: string,
  v: { reference: string; title: string; provider: string | null; link: string; expiresAt: Date },
): { subject: string; body: string } {
  const lang = emailLanguage(locale);
  if (lang === 'fr') {
    return {
      subject: `Votre avis sur la demande ${v.reference} : ${v.title}`,
      body: [
        `Votre demande ${v.reference} (« ${v.title} ») a été réglée${v.provider ? ` par ${v.provider}` : ''}.`,
        '',
        'Dites-nous comment cela s’est passé : l’enquête prend deux minutes et ne demande pas de connexion.',
        v.link,
        '',
        `Le lien ne sert qu’une fois et expire le ${dateText(v.expiresAt, lang)}. Vous pouvez aussi répondre dans Meridian, sous « Mes enquêtes ».`,
      ].join('\n'),
    };
  }
  return {
    subject: `How did we do? Your request ${v.reference}: ${v.title}`,
    body: [
      `Your request ${v.reference} ("${v.title}") was resolved${v.provider ? ` by ${v.provider}` : ''}.`,
      '',
      'Tell us how it went: the survey takes two minutes and needs no sign-in.',
      v.link,
      '',
      `The link works once and expires on ${dateText(v.expiresAt, lang)}. You can also answer in Meridian, under "My surveys".`,
    ].join('\n'),
  };
}

/** A campaign's invitation (or reminder) to a focal point: one link per provider serving their entity. */
export function campaignEmail(
  locale: string,
  v: {
    campaign: string;
    entity: string;
    anonymous: boolean;
    closesAt: Date;
    reminder: boolean;
    links: { provider: string; link: string }[];
  },
): { subject: string; body: string } {
  const lang = emailLanguage(locale);
  const list = v.links.map((l) => `- ${l.provider}: ${l.link}`);
  if (lang === 'fr') {
    return {
      subject: `${v.reminder ? 'Rappel : ' : ''}${v.campaign} – enquête de satisfaction pour ${v.entity}`,
      body: [
        `En tant que point focal de ${v.entity}, vous êtes invité(e) à évaluer les prestataires qui servent votre entité.`,
        v.anonymous
          ? 'Cette enquête est anonyme : vos réponses ne pourront pas être rattachées à vous.'
          : 'Vos réponses seront rattachées à votre entité.',
        '',
        ...list,
        '',
        `Chaque lien ne sert qu’une fois ; l’enquête ferme le ${dateText(v.closesAt, lang)}.${v.reminder ? ' Les liens de ce rappel remplacent les précédents.' : ''}`,
      ].join('\n'),
    };
  }
  return {
    subject: `${v.reminder ? 'Reminder: ' : ''}${v.campaign} – satisfaction survey for ${v.entity}`,
    body: [
      `As the focal point of ${v.entity}, you are asked to rate the providers that serve your entity.`,
      v.anonymous ? 'This survey is anonymous: your answers cannot be tied to you.' : 'Your answers will be tied to your entity.',
      '',
      ...list,
      '',
      `Each link works once; the survey closes on ${dateText(v.closesAt, lang)}.${v.reminder ? ' The links in this reminder replace the earlier ones.' : ''}`,
    ].join('\n'),
  };
}
