/**
 * The cases' e-mails (receipt, resolution, withdrawn child task, reply and mention notices) in the
 * recipient's language: French for `fr*` locales, else English (`emailLanguage`, as the survey e-mails).
 * Plain text; the outbox sends them (outbox.ts) with the case's `[MER-…]` tag in the subject, which threads
 * a reply back onto the case (inbound-email.ts). The English texts are those the API wrote before, kept
 * word for word (the routing reason, English, is the catalogue's citation of the report); the French ones
 * say the routing in French from the provider's French name instead of quoting it.
 */
import type { LocalizedText } from '../../db/types.ts';
import { emailLanguage } from '../surveys/emails.ts';

/**
 * The receipt of a new request, as parts joined by the case's reference (known only when the creation
 * statement runs, case-creation.repository.ts): `subjectParts.join('MER-000123')` is the subject.
 * @param v.provider the provider it was routed to; null: the DOS coordination queue.
 * @param v.routingReason the English routing reason (English e-mails only).
 * @param v.publicUrl the web's address, for a link to the case; none: no link.
 */
export function receiptEmail(
  locale: string | null | undefined,
  v: { title: string; provider: { code: string; name: LocalizedText } | null; routingReason: string; publicUrl?: string },
): { subjectParts: string[]; bodyParts: string[] } {
  const subjectParts = ['[', `] ${v.title}`];
  if (emailLanguage(locale) === 'fr') {
    const routed = v.provider
      ? `Elle est confiée à ${v.provider.code} (${v.provider.name.fr}), le prestataire attribué à votre entité pour ce service.`
      : 'Aucun prestataire n’est attribué à votre entité pour ce service : elle va à la file de coordination du DAO, qui la confiera à un prestataire.';
    return {
      subjectParts,
      bodyParts: v.publicUrl
        ? ['Votre demande ', ` a bien été reçue. ${routed}\n${v.publicUrl}/cases/`, '']
        : ['Votre demande ', ` a bien été reçue. ${routed}`],
    };
  }
  return {
    subjectParts,
    bodyParts: v.publicUrl
      ? ['Your request ', ` was received. ${v.routingReason}.\n${v.publicUrl}/cases/`, '']
      : ['Your request ', ` was received. ${v.routingReason}.`],
  };
}

/** The requester's notice that their request was resolved, with the resolution note and the reopen window (days). */
export function resolvedEmail(
  locale: string | null | undefined,
  v: { reference: string; title: string; reason?: string; reopenWindowDays: number },
): { subject: string; body: string } {
  if (emailLanguage(locale) === 'fr') {
    return {
      subject: `[${v.reference}] réglée : ${v.title}`,
      body: `Votre demande ${v.reference} a été réglée.${v.reason ? ` ${v.reason}` : ''} Répondez dans les ${v.reopenWindowDays} jours pour la rouvrir.`,
    };
  }
  return {
    subject: `[${v.reference}] resolved: ${v.title}`,
    body: `Your request ${v.reference} was resolved.${v.reason ? ` ${v.reason}` : ''} Reply within ${v.reopenWindowDays} days to reopen it.`,
  };
}

/** The assignee's notice that the parent's provider withdrew their child task (decision 0027). */
export function withdrawnEmail(
  locale: string | null | undefined,
  v: { child: string; title: string; parent: string; by: string | null; reason: string },
): { subject: string; body: string } {
  if (emailLanguage(locale) === 'fr') {
    return {
      subject: `[${v.child}] retirée : ${v.title}`,
      body: `${v.by ?? 'La file de coordination du DAO'} a retiré la sous-tâche ${v.child} de ${v.parent} : ${v.reason}`,
    };
  }
  return {
    subject: `[${v.child}] withdrawn: ${v.title}`,
    body: `${v.by ?? 'The DOS coordination queue'} withdrew child task ${v.child} of ${v.parent}: ${v.reason}`,
  };
}

/** The subject of a message's notice: a mention, or a new reply on the case (its body is the message itself). */
export function messageNoticeSubject(locale: string | null | undefined, kind: 'mention' | 'reply', reference: string): string {
  const fr = emailLanguage(locale) === 'fr';
  if (kind === 'mention')
    return `[${reference}] ${fr ? `Vous êtes mentionné·e sur ${reference}` : `You were mentioned on ${reference}`}`;
  return `[${reference}] ${fr ? `Nouvelle réponse sur ${reference}` : `New reply on ${reference}`}`;
}
