/**
 * Server messages meant for people, in Danish and English. Errors carry a key and parameters;
 * the HTTP layer renders them in the request's language (Accept-Language or the user's locale).
 */
export type Locale = 'da' | 'en';

const messages = {
  'error.bad_request': { en: 'The request is not valid.', da: 'Forespørgslen er ikke gyldig.' },
  'error.validation': {
    en: 'Some fields are missing or not valid.',
    da: 'Nogle felter mangler eller er ugyldige.',
  },
  'error.unauthenticated': { en: 'Please sign in.', da: 'Log venligst ind.' },
  'error.forbidden': {
    en: 'You are not allowed to do this.',
    da: 'Du har ikke adgang til at gøre dette.',
  },
  'error.org_forbidden': {
    en: 'You have no access to the organisation "{slug}".',
    da: 'Du har ikke adgang til organisationen "{slug}".',
  },
  'error.not_found': { en: 'Not found.', da: 'Ikke fundet.' },
  'error.nul_character': {
    en: 'The request holds a NUL character (U+0000) in "{field}". Text cannot hold it; remove it and try again.',
    da: 'Forespørgslen indeholder et NUL-tegn (U+0000) i "{field}". Tekst kan ikke indeholde det; fjern det og prøv igen.',
  },
  'error.org_not_found': {
    en: 'There is no organisation "{slug}".',
    da: 'Organisationen "{slug}" findes ikke.',
  },
  'error.conflict': {
    en: 'This conflicts with existing data.',
    da: 'Dette er i konflikt med eksisterende data.',
  },
  'error.busy': {
    en: 'Someone else is changing this right now, for example a scan import being applied. Try again in a moment.',
    da: 'Nogen ændrer dette lige nu, for eksempel en skanningsimport der er ved at blive gennemført. Prøv igen om et øjeblik.',
  },
  'error.too_large': {
    en: 'The request body is too large (limit {limit}).',
    da: 'Forespørgslens indhold er for stort (grænse {limit}).',
  },
  'error.rate_limited': {
    en: 'Too many requests. Try again in {seconds} seconds.',
    da: 'For mange forespørgsler. Prøv igen om {seconds} sekunder.',
  },
  'error.unsupported_media_type': {
    en: 'This content type is not accepted here.',
    da: 'Denne indholdstype modtages ikke her.',
  },
  'error.internal': {
    en: 'Something went wrong on our side. The error has been logged.',
    da: 'Der gik noget galt hos os. Fejlen er logget.',
  },
  'error.csrf': {
    en: 'The request lacks a valid CSRF token. Reload the page and try again.',
    da: 'Forespørgslen mangler et gyldigt CSRF-token. Genindlæs siden og prøv igen.',
  },
  'auth.invalid_credentials': {
    en: 'The e-mail address or password is wrong, or the account is locked for 15 minutes after too many attempts.',
    da: 'E-mailadressen eller adgangskoden er forkert, eller kontoen er låst i 15 minutter efter for mange forsøg.',
  },
  'auth.locked': {
    en: 'Too many failed attempts. The account is locked until {until}.',
    da: 'For mange mislykkede forsøg. Kontoen er låst indtil {until}.',
  },
  'auth.mfa_required': {
    en: 'Enter the code from your authenticator app to continue.',
    da: 'Indtast koden fra din godkendelsesapp for at fortsætte.',
  },
  'auth.mfa_enrolment_required': {
    en: 'Your role requires two-factor sign-in. Set it up to continue.',
    da: 'Din rolle kræver tofaktor-login. Opsæt det for at fortsætte.',
  },
  'auth.mfa_invalid': { en: 'The code is not valid.', da: 'Koden er ikke gyldig.' },
  'auth.mfa_already_enrolled': {
    en: 'Two-factor sign-in is already set up.',
    da: 'Tofaktor-login er allerede sat op.',
  },
  'auth.session_expired': {
    en: 'Your session has expired. Please sign in again.',
    da: 'Din session er udløbet. Log venligst ind igen.',
  },
  'auth.token_invalid': {
    en: 'The API token is not valid, has expired or was revoked.',
    da: 'API-tokenet er ugyldigt, udløbet eller tilbagekaldt.',
  },
  'directory.slug_taken': {
    en: 'An organisation with the slug "{slug}" already exists.',
    da: 'Der findes allerede en organisation med kortnavnet "{slug}".',
  },
  'directory.email_taken': {
    en: 'A user with the e-mail address {email} already exists.',
    da: 'Der findes allerede en bruger med e-mailadressen {email}.',
  },
  'directory.token_name_taken': {
    en: 'An active token named "{name}" already exists in this organisation.',
    da: 'Der findes allerede et aktivt token med navnet "{name}" i denne organisation.',
  },
  'directory.role_not_allowed': {
    en: 'The role "{role}" cannot be used here.',
    da: 'Rollen "{role}" kan ikke bruges her.',
  },
  'directory.parent_not_found': {
    en: 'The parent organisation "{slug}" does not exist.',
    da: 'Overordnet organisation "{slug}" findes ikke.',
  },
  'directory.parent_cycle': {
    en: 'The organisation "{slug}" lies below this one and cannot become its parent.',
    da: 'Organisationen "{slug}" ligger under denne og kan ikke blive dens overordnede.',
  },
  'directory.region_not_found': {
    en: 'The region "{slug}" does not exist or is not a region.',
    da: 'Regionen "{slug}" findes ikke eller er ikke en region.',
  },
  'directory.password_weak': {
    en: 'The password must be at least 12 characters long.',
    da: 'Adgangskoden skal være mindst 12 tegn lang.',
  },
} as const satisfies Record<string, Record<Locale, string>>;

export type MessageKey = keyof typeof messages;
export type MessageParams = Record<string, string | number>;

export function isMessageKey(key: string): key is MessageKey {
  return key in messages;
}

/** Registers more messages (a module's own); keys must be new. */
export function addMessages(more: Record<string, Record<Locale, string>>): void {
  for (const [key, value] of Object.entries(more)) {
    if (key in messages) throw new Error(`duplicate message key ${key}`);
    (messages as Record<string, Record<Locale, string>>)[key] = value;
  }
}

/**
 * The message `key` in `locale` with its parameters filled in. `{name}` is the parameter as given;
 * `{name:prefix}` is the message `prefix.<value>` (a state or a reason named by its code) with the
 * same parameters, or the value itself when there is no such message.
 */
export function translate(key: string, locale: Locale, params: MessageParams = {}, depth = 0): string {
  const all = messages as Record<string, Record<Locale, string>>;
  const entry = all[key];
  const template = entry ? entry[locale] : key;
  return template.replace(/\{(\w+)(?::([\w.]+))?\}/g, (whole, name: string, prefix: string | undefined) => {
    const value = params[name];
    if (value === undefined) return whole;
    const nested = prefix ? `${prefix}.${value}` : '';
    return nested in all && depth < 2 ? translate(nested, locale, params, depth + 1) : String(value);
  });
}

/** Picks da or en from an Accept-Language header; English when nothing matches. */
export function localeFromHeader(header: string | undefined): Locale {
  if (!header) return 'en';
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.find((p) => p.trim().startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('da') || tag.startsWith('nb') || tag.startsWith('no')) return 'da';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}
