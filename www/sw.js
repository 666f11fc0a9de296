// The service worker: keeps one complete copy of the site per version, so that the page
// opens and works with no network after the first visit.
//
// precache.js (written by scripts/precache.mjs at build time) defines PRECACHE = {version,
// files}: every file of the site and a hash of their contents. A new build is a new
// version, hence a new cache, filled completely before the new worker may take over; the
// page offers the reload (offline.js) and the worker then deletes the older caches. Until
// then the old worker answers from the old cache, so a page never mixes two versions.
//
// It answers only requests for the site's own files. The user's exports never pass through
// here (they are read from the device by the page's workers, not fetched), nothing is
// cached at run time, and no request goes to another origin.

importScripts('./precache.js');

const CACHE = `privacy-lens-${PRECACHE.version}`;
const PREFIX = 'privacy-lens-';

self.addEventListener('install', (event) => {
  // `reload`: fresh from the server, not from the HTTP cache (which may hold older files).
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.files.map((file) => new Request(file, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    // The first version controls the page that installed it, so that what that page loads
    // later (the charts, the example) also comes from this version.
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'activate-now') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !request.url.startsWith(self.registration.scope)) return;
  // The site's address itself (`…/privacy-lens/`) is its index.html.
  const url = new URL(request.url);
  url.search = '';
  url.hash = '';
  const path = url.href.slice(self.registration.scope.length);
  const file = path === '' ? 'index.html' : path;
  if (!PRECACHE.files.includes(file)) return; // not part of the site: the browser fetches it as usual
  event.respondWith(caches.open(CACHE).then((cache) => cache.match(file)).then((cached) => cached ?? fetch(request)));
});
