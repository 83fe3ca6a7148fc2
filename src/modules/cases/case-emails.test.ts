/** The cases' e-mails in the recipient's language. */
import { describe, expect, it } from 'vitest';
import { messageNoticeSubject, receiptEmail, withdrawnEmail } from './case-emails.ts';

describe('case e-mails', () => {
  it('says the DOS coordination queue in French without the English routing reason', () => {
    const r = receiptEmail('fr-FR', {
      title: 'Salle',
      provider: null,
      routingReason: 'No provider is assigned',
      publicUrl: 'https://m.example',
    });
    expect(r.subjectParts.join('MER-000007')).toBe('[MER-000007] Salle');
    expect(r.bodyParts.join('MER-000007')).toBe(
      'Votre demande MER-000007 a bien été reçue. Aucun prestataire n’est attribué à votre entité pour ce service : elle va à la file de coordination du DAO, qui la confiera à un prestataire.\nhttps://m.example/cases/MER-000007',
    );
    expect(
      receiptEmail(null, { title: 'Room', provider: null, routingReason: 'No provider is assigned' }).bodyParts.join('MER-1'),
    ).toBe('Your request MER-1 was received. No provider is assigned.');
  });

  it('writes the withdrawal and the message notices in the recipient language', () => {
    expect(
      withdrawnEmail('fr', { child: 'MER-2', title: 'Paie', parent: 'MER-1', by: 'UNON', reason: 'Plus nécessaire' }),
    ).toEqual({
      subject: '[MER-2] retirée : Paie',
      body: 'UNON a retiré la sous-tâche MER-2 de MER-1 : Plus nécessaire',
    });
    expect(withdrawnEmail('en', { child: 'MER-2', title: 'Pay', parent: 'MER-1', by: null, reason: 'Not needed' }).body).toBe(
      'The DOS coordination queue withdrew child task MER-2 of MER-1: Not needed',
    );
    expect(messageNoticeSubject('fr', 'reply', 'MER-3')).toBe('[MER-3] Nouvelle réponse sur MER-3');
    expect(messageNoticeSubject('en', 'mention', 'MER-3')).toBe('[MER-3] You were mentioned on MER-3');
  });
});
