import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import da from './i18n/da.json';
import en from './i18n/en.json';

export const LANGUAGES = ['da', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The chosen language is kept in this browser (localStorage), so that the sign-in page speaks it;
 * a signed-in person's choice is also stored on the server and adopted at every sign-in
 * (session.ts). Danish is the default.
 */
const STORAGE_KEY = 'vaern.language';

const isLanguage = (value: unknown): value is Language => LANGUAGES.includes(value as Language);

function storedLanguage(): Language {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return isLanguage(value) ? value : 'da';
  } catch {
    return 'da';
  }
}

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : 'da';
}

/** Shows the app in the language and remembers it in this browser. */
export async function changeLanguage(language: Language): Promise<void> {
  if (i18n.language === language) return;
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Storage may be disabled; the choice then lasts for this page only.
  }
  await i18n.changeLanguage(language);
}

i18n.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});

void i18n.use(initReactI18next).init({
  // The resources are bundled: initialise synchronously, before the first render.
  initAsync: false,
  resources: { da: { translation: da }, en: { translation: en } },
  lng: storedLanguage(),
  fallbackLng: 'da',
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false },
});
document.documentElement.lang = currentLanguage();

export { i18n };
