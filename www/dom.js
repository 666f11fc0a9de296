// Building DOM safely. Every string, above all those from the user's file, becomes a text
// node: nothing here ever parses markup (no innerHTML), so a bundle ID like
// `<img onerror=…>` is shown as those characters and does nothing.

import { t } from './i18n.js';

/**
 * Creates an element. `props` sets properties (`className`, `type`, `hidden`, …),
 * `dataset` entries, `attrs` attributes (ARIA, scope) and `on` event listeners; children
 * are nodes or strings (strings become text nodes); null/undefined/false are skipped.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  const { dataset, attrs, on, ...properties } = props;
  Object.assign(element, properties);
  for (const [key, value] of Object.entries(dataset ?? {})) element.dataset[key] = value;
  for (const [key, value] of Object.entries(attrs ?? {})) element.setAttribute(key, value);
  for (const [event, listener] of Object.entries(on ?? {})) element.addEventListener(event, listener);
  append(element, children);
  return element;
}

/** Appends children (nodes or strings, possibly nested in arrays) as nodes. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces every child of `parent`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** `document.getElementById`, failing loudly when the page and the script disagree. */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element;
}

/**
 * The message `key` as nodes: the parameters named in `data` (strings from the files) become
 * elements marked translate="no", so that neither a translator nor the tests take them for
 * the page's own words.
 */
export function withData(key, params, data) {
  const marked = { ...params };
  data.forEach((name, i) => { marked[name] = `\uE000${i}\uE001`; });
  return t(key, marked).split(/\uE000(\d+)\uE001/).map((part, i) => (i % 2 ? h('span', { translate: false }, String(params[data[Number(part)]])) : part));
}

