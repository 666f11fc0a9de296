// The page's language: English or Simplified Chinese, from the browser's languages unless
// the user picks one. The choice is stored (in this browser's localStorage) only when the
// user ticks "remember"; "Forget everything" removes it with the rest.
//
// Static texts carry their message key: `data-i18n` (text), `data-i18n-label` (aria-label),
// `data-i18n-placeholder`. Everything else is rendered through `t`.

import * as messages from './messages.js';

export const LANGUAGES = { en: messages.en, 'zh-Hans': messages.zh };
const STORED = 'privacy-lens.language';

/** The language to start in: the remembered choice, else the browser's first we have. */
function initial() {
  const stored = storage()?.getItem(STORED);
  if (stored && LANGUAGES[stored]) return stored;
  for (const wanted of navigator.languages ?? [navigator.language]) {
    if (/^zh\b/i.test(wanted)) return 'zh-Hans';
    if (/^en\b/i.test(wanted)) return 'en';
  }
  return 'en';
}

/** localStorage, or null where the browser refuses it (some private modes, file://). */
function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export let language = initial();
let numbers = new Intl.NumberFormat(language);

/**
 * The message `key` in the current language with `params` filled in (`{name}` in strings;
 * functions get the params). A missing key is shown as the key itself, never as nothing.
 */
export function t(key, params = {}) {
  const message = LANGUAGES[language][key] ?? LANGUAGES.en[key];
  if (message === undefined) return key;
  if (typeof message === 'function') return message(params);
  return message.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** Whether a message exists (for names that may or may not have a translation). */
export function has(key) {
  return key in LANGUAGES[language];
}

/** A number in the current language's format. */
export function number(n) {
  return numbers.format(n);
}

/** Switches language; stores the choice only when `remember` is true (and forgets it otherwise). */
export function setLanguage(next, remember) {
  if (!LANGUAGES[next]) return;
  language = next;
  numbers = new Intl.NumberFormat(language);
  if (remember) storage()?.setItem(STORED, next);
  else storage()?.removeItem(STORED);
  translateDocument();
}

/** Whether a choice is stored. */
export function remembered() {
  return Boolean(storage()?.getItem(STORED));
}

/** Forgets the stored choice. */
export function forgetLanguage() {
  storage()?.removeItem(STORED);
}

/** Puts the current language's texts into every element that names its message. */
export function translateDocument(root = document) {
  document.documentElement.lang = language;
  document.title = t('page.title');
  for (const element of root.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
  for (const element of root.querySelectorAll('[data-i18n-label]')) element.setAttribute('aria-label', t(element.dataset.i18nLabel));
}
