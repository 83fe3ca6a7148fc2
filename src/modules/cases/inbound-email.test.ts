import { describe, expect, it } from 'vitest';
import { findCaseReference, stripQuotedReply } from './inbound-email.ts';
import { REPLY_MARKER } from './outbox.ts';

describe('stripQuotedReply', () => {
  it('keeps the text above a quoted reply marker and drops the attribution', () => {
    const text = [
      'Thank you, the letter is attached.',
      '',
      'Best,',
      'Ana',
      '',
      'On Tue, 1 Dec 2026 at 10:00, Meridian <meridian@un.org> wrote:',
      `> ${REPLY_MARKER}`,
      '>',
      '> Your request MER-000123 was received.',
    ].join('\r\n');
    expect(stripQuotedReply(text)).toBe('Thank you, the letter is attached.\n\nBest,\nAna');
  });

  it('cuts at an attribution wrapped over two lines, in French too', () => {
    expect(stripQuotedReply('Merci.\n\nLe mar. 1 déc. 2026 à 10:00, Meridian <m@un.org>\na écrit :\n> texte')).toBe('Merci.');
    expect(stripQuotedReply('Thanks\nOn Tue, 1 Dec 2026 at 10:00, Meridian <m@un.org>\nwrote:\n> old')).toBe('Thanks');
  });

  it('cuts at an Outlook header block or separator, and at the signature', () => {
    const outlook = [
      'Please see below.',
      '',
      '________________________________',
      'From: Meridian <meridian@un.org>',
      'Sent: Tuesday, 1 December 2026 10:00',
      'Subject: [MER-000123] New reply',
      '',
      REPLY_MARKER,
    ].join('\n');
    expect(stripQuotedReply(outlook)).toBe('Please see below.');
    const headerOnly = 'Noted.\nFrom: Meridian Service Desk\nSent: Tuesday\nTo: Silva, Ana\nSubject: [MER-000123] x\n\nold text';
    expect(stripQuotedReply(headerOnly)).toBe('Noted.');
    const travel = 'Please book:\nFrom: Nairobi\nTo: Geneva\nDate: 3 December';
    expect(stripQuotedReply(travel)).toBe(travel);
    expect(stripQuotedReply('Done.\n-- \nAna Silva\nUNON')).toBe('Done.');
  });

  it('keeps inline text that is not a quote, and gives an empty reply for quotes only', () => {
    expect(stripQuotedReply('From now on, I will use the portal.\nThanks')).toBe('From now on, I will use the portal.\nThanks');
    expect(stripQuotedReply(`\n\n> ${REPLY_MARKER}\n> old`)).toBe('');
  });
});

describe('findCaseReference', () => {
  it('reads the subject tag first', () => {
    expect(findCaseReference({ subject: 'Re: [mer-000123] New reply', inReplyTo: '<MER-000999@meridian>' })).toBe('MER-000123');
  });

  it("falls back to In-Reply-To and References, only for Meridian's own domain", () => {
    expect(findCaseReference({ subject: 'Re: your request', inReplyTo: '<MER-000042.o7.1a2b3c4d@meridian>' })).toBe('MER-000042');
    expect(
      findCaseReference({
        subject: 'Re: x',
        references: ['<abc@mail.example>', '<MER-000043@meridian>', '<MER-000044@meridian>'],
      }),
    ).toBe('MER-000043');
    expect(findCaseReference({ subject: 'Re: x', inReplyTo: '<MER-000042.o7.1a2b@evil.example>' })).toBeNull();
    expect(findCaseReference({ subject: 'Re: x', inReplyTo: '<MER-000042@mail.example>' }, 'mail.example')).toBe('MER-000042');
    expect(findCaseReference({ subject: 'MER-000042 without brackets' })).toBeNull();
  });
});
