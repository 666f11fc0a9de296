// Installs the service worker (sw.js), which keeps a copy of the site for use with no
// network, and offers a new version when one is ready. Loaded by index.html only: the
// single-file build (scripts/single-file.mjs) has no service worker and leaves it out.
//
// An update never switches a page over by itself: the new version is installed beside the
// running one, and "Reload" activates it and reloads, so a page runs one version throughout.
// Closing every tab of the site has the same effect on the next visit.

import { h } from './dom.js';
import { t } from './i18n.js';

let reloading = false;

async function install() {
  // Relative address and scope: the site works from any sub-path (GitHub Pages). The
  // browser asks the server for sw.js and precache.js each time it checks for an update.
  const registration = await navigator.serviceWorker.register('sw.js', { scope: './', updateViaCache: 'none' });
  const offerWaiting = () => offerReload('update.ready', () => {
    reloading = true;
    registration.waiting?.postMessage({ type: 'activate-now' });
  });
  if (registration.waiting && navigator.serviceWorker.controller) offerWaiting();
  registration.addEventListener('updatefound', () => {
    const incoming = registration.installing;
    incoming?.addEventListener('statechange', () => {
      // Installed while a page is controlled: an update (the first install needs no reload).
      if (incoming.state === 'installed' && navigator.serviceWorker.controller) offerWaiting();
    });
  });
  // On the first visit the first version takes control of this page once installed: that
  // change is no update (offering a reload then misled, and moved the page under the pointer).
  let hadController = navigator.serviceWorker.controller !== null;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading) location.reload();
    // Another tab took the new version: this page's modules are the old one's, and what it
    // has yet to load (the charts) would come from the new one.
    else if (hadController) offerReload('update.elsewhere', () => location.reload());
    hadController = true;
  });
}

/** Shows the bar that offers a reload (its text: the message `key`), replacing any earlier one. */
function offerReload(key, reload) {
  document.getElementById('update')?.remove();
  // data-i18n: switching the language retranslates the bar with the rest of the page.
  document.body.prepend(h('div', { id: 'update', className: 'update', attrs: { role: 'status' } },
    h('span', { dataset: { i18n: key } }, t(key)), ' ',
    h('button', { className: 'button primary', type: 'button', dataset: { i18n: 'update.reload' }, on: { click: reload } }, t('update.reload'))));
}

if ('serviceWorker' in navigator) {
  // Without it the page still works online; only the offline copy is missing.
  install().catch((error) => console.warn(`Privacy Lens will not work offline: ${error?.message ?? error}`));
}
