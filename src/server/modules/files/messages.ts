import { addMessages } from '../../lib/messages.js';

/** Messages of the stored-files module. */
addMessages({
  'files.too_large': {
    en: 'The file is larger than this instance accepts ({limit}).',
    da: 'Filen er større, end denne installation modtager ({limit}).',
  },
  'files.not_found': {
    en: 'The stored file does not exist or was not uploaded completely.',
    da: 'Den gemte fil findes ikke eller blev ikke uploadet helt.',
  },
});
