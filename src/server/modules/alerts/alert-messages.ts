import { addMessages } from '../../lib/messages.js';

/** Messages of the alerts module (varsler), in Danish and English. */
addMessages({
  'alerts.not_sector_coordinator': {
    en: 'Only a sector coordinator writes alerts to the sector.',
    da: 'Kun en sektorkoordinator skriver varsler til sektoren.',
  },
  'alerts.not_found': {
    en: 'There is no such alert for this organisation.',
    da: 'Organisationen har ikke dette varsel.',
  },
  'alerts.advisory_not_found': {
    en: 'The advisory does not exist or is not visible to you.',
    da: 'Advisoryen findes ikke eller er ikke synlig for dig.',
  },
  'alerts.affected_needs_advisory': {
    en: 'The audience "organisations matched as affected" needs an advisory.',
    da: 'Målgruppen "organisationer ramt ifølge matchningen" kræver en advisory.',
  },
  'alerts.audience_empty': {
    en: 'Give the alert an audience: kinds, regions, affected organisations, organisations or named people.',
    da: 'Giv varslet en målgruppe: typer, regioner, ramte organisationer, organisationer eller navngivne personer.',
  },
  'alerts.red_needs_people': {
    en: 'A TLP:RED alert reaches only named people: name at least one.',
    da: 'Et TLP:RED-varsel når kun navngivne personer: navngiv mindst én.',
  },
  'alerts.link_invalid': {
    en: 'This answer link is not valid or has expired.',
    da: 'Dette svarlink er ugyldigt eller udløbet.',
  },
  'alerts.link_not_answerer': {
    en: 'This link cannot answer for the organisation: only its admins, security officers, management and the people named on the alert answer. Nothing was recorded.',
    da: 'Dette link kan ikke svare for organisationen: kun dens administratorer, sikkerhedsansvarlige, ledelse og de navngivne personer på varslet svarer. Intet er registreret.',
  },
  'alerts.mail_view': {
    en: 'Read the alert and your organisation’s answers in Værn: {link}',
    da: 'Læs varslet og organisationens svar i Værn: {link}',
  },
  'alerts.mail_subject': {
    en: '[{severity}] [TLP:{tlp}] Alert: {title}',
    da: '[{severity}] [TLP:{tlp}] Varsel: {title}',
  },
  'alerts.mail_escalated': {
    en: '{recipient} has not answered this alert yet. You receive it as its {role}: please see that it is answered.',
    da: '{recipient} har endnu ikke svaret på dette varsel. Du modtager det som organisationens {role}: sørg venligst for, at der bliver svaret.',
  },
  'alerts.role_security_officer': {
    en: 'security officer',
    da: 'sikkerhedsansvarlige',
  },
  'alerts.role_management': {
    en: 'management',
    da: 'ledelse',
  },
  'alerts.mail_intro': {
    en: 'The sector coordination unit has issued an alert to {recipient}.',
    da: 'Sektorens koordinationsenhed har udsendt et varsel til {recipient}.',
  },
  'alerts.mail_intro_org': {
    en: '{issuer} has issued an alert to {recipient}.',
    da: '{issuer} har udsendt et varsel til {recipient}.',
  },
  'alerts.mail_restricted': {
    en: 'This alert is TLP:{tlp}: its text is not sent by e-mail. Sign in to Værn to read it.',
    da: 'Varslet er TLP:{tlp}: teksten sendes ikke med e-mail. Log ind i Værn for at læse den.',
  },
  'alerts.mail_action': {
    en: 'Recommended action:',
    da: 'Anbefalet handling:',
  },
  'alerts.mail_answer': {
    en: 'Answer (received, assessing, affected, not affected, mitigated) here: {link}',
    da: 'Svar (modtaget, vurderes, ramt, ikke ramt, afhjulpet) her: {link}',
  },
});
