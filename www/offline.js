// Installs the service worker (sw.js), which keeps a copy of the site for use with no
// network, and offers a new version when one is ready. Loaded by index.html only: the
// single-file build (scripts/single-file.mjs) has no service worker and leaves it out.
//
// An update never switches a page over by itself: the new version is installed beside the
// running one, and "Reload" activates it and reloads, so a page runs one version throughout.
// Closing every tab of the site has the same effect on the next visit.

import { h } from './dom.js';

let reloading = false;

async function install() {
  // Relative address and scope: the site works from any sub-path (GitHub Pages). The
  // browser asks the server for sw.js and precache.js each time it checks for an update.
  const registration = await navigator.serviceWorker.register('sw.js', { scope: './', updateViaCache: 'none' });
  if (registration.waiting && navigator.serviceWorker.controller) offerReload(registration);
  registration.addEventListener('updatefound', () => {
    const incoming = registration.installing;
    incoming?.addEventListener('statechange', () => {
      // Installed while a page is controlled: an update (the first install needs no reload).
      if (incoming.state === 'installed' && navigator.serviceWorker.controller) offerReload(registration);
    });
  });
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading) location.reload();
  });
}

/** Shows the bar that offers the waiting version (once). */
function offerReload(registration) {
  if (document.getElementById('update')) return;
  const reload = h('button', { className: 'button primary', type: 'button', on: { click: () => {
    reloading = true;
    registration.waiting?.postMessage({ type: 'activate-now' });
  } } }, 'Reload');
  document.body.prepend(h('div', { id: 'update', className: 'update', attrs: { role: 'status' } },
    h('span', {}, 'A new version of Privacy Lens is ready. '), reload));
}

if ('serviceWorker' in navigator) {
  install().catch((error) => {
    // Without it the page still works online; only the offline copy is missing.
    document.documentElement.dataset.offline = `unavailable: ${error?.message ?? error}`;
  });
}
