// WebKit (WebKitGTK's MiniBrowser, the engine of Safari) and Firefox (firefox-esr) driven over
// W3C WebDriver, for e2e/engines.test.mjs. Chromium is driven by playwright-core instead
// (harness.mjs), which has no WebKitGTK or Debian Firefox to offer.
//
// The client is plain WebDriver HTTP over Node's fetch, not npm selenium-webdriver: the tests
// need a dozen commands, each a few lines here; nothing can try to download a driver (Selenium
// looks for one unless told where it is); and every call carries its own timeout, which is what
// keeps a WebKit session that never starts from hanging the run (shared/TOOLCHAIN.md).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import os from 'node:os';

/** How long one WebDriver command may take before the test fails instead of waiting. */
const COMMAND_TIMEOUT_MS = 30_000;
/** Creating a session starts the browser: slower, and the call that hangs when WebKit has no display. */
const SESSION_TIMEOUT_MS = 60_000;
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** The two engines: the executables each needs and the capabilities of its session. */
export const ENGINES = {
  webkit: {
    name: 'WebKit (MiniBrowser)',
    executables: { WebKitWebDriver: '/usr/bin/WebKitWebDriver', Xvfb: '/usr/bin/Xvfb' },
    // WebKitWebDriver starts MiniBrowser by default; naming its binary would also need
    // `--automation` in its arguments, or the session hangs (shared/TOOLCHAIN.md).
    capabilities: () => ({ browserName: 'MiniBrowser' }),
  },
  firefox: {
    name: 'Firefox ESR',
    executables: { geckodriver: onPath('geckodriver'), 'firefox-esr': '/usr/bin/firefox-esr' },
    capabilities: (downloads) => ({
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: '/usr/bin/firefox-esr',
        args: ['-headless'],
        // Saved files land in a scratch folder, never in a dialog or the user's Downloads.
        prefs: { 'browser.download.folderList': 2, 'browser.download.dir': downloads, 'browser.download.useDownloadDir': true },
      },
    }),
  },
};

/** Where `name` is on PATH (as `command -v` in scripts/setup.sh finds it), or `name` itself. */
function onPath(name) {
  return (process.env.PATH ?? '').split(':').map((dir) => join(dir, name)).find((path) => existsSync(path)) ?? name;
}

/** The names of what `engine` needs and is not installed (empty when it can run). */
export function missing(engine) {
  return Object.entries(ENGINES[engine].executables).filter(([, path]) => !existsSync(path)).map(([name]) => name);
}

/**
 * Starts the driver of `engine` (and, for WebKit, an Xvfb display of its own) and opens a
 * session with a 1280×900 window. `stop()` deletes the session, kills every process it
 * started, by PID, and removes its scratch folder; it may be called more than once.
 */
export async function startEngine(engine) {
  const processes = new Processes();
  const downloads = await mkdtemp(join(os.tmpdir(), 'privacy-lens-downloads-'));
  const stop = async () => {
    await processes.stopAll();
    await rm(downloads, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    let driver;
    if (engine === 'webkit') {
      // WebKitGTK has no headless mode: without a display the session never starts.
      const display = await processes.startDisplay();
      driver = processes.start(ENGINES.webkit.executables.WebKitWebDriver, [`--port=${port}`, '--host=127.0.0.1'], { DISPLAY: display });
    } else {
      // --websocket-port 0: Firefox's remote agent takes any free port, not 9222 which another
      // browser on the machine may hold.
      driver = processes.start(ENGINES.firefox.executables.geckodriver, ['--port', String(port), '--host', '127.0.0.1', '--websocket-port', '0']);
    }
    const base = `http://127.0.0.1:${port}`;
    await waitUntilReady(base, driver);
    const session = await Session.create(base, ENGINES[engine].capabilities(downloads));
    processes.onStop(() => session.delete());
    await session.command('POST', '/window/rect', { width: 1280, height: 900 });
    return { session, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A WebDriver session: the commands the engine tests use. Selectors are CSS. */
export class Session {
  constructor(base, id) {
    this.url = `${base}/session/${id}`;
  }

  /** Opens a session, giving up after SESSION_TIMEOUT_MS. */
  static async create(base, capabilities) {
    const { sessionId } = await request('POST', `${base}/session`, { capabilities: { alwaysMatch: capabilities } }, SESSION_TIMEOUT_MS);
    const session = new Session(base, sessionId);
    await session.command('POST', '/timeouts', { script: COMMAND_TIMEOUT_MS, pageLoad: COMMAND_TIMEOUT_MS, implicit: 0 });
    return session;
  }

  command(method, path, body) {
    return request(method, this.url + path, body, COMMAND_TIMEOUT_MS);
  }

  /** Loads `url` and returns when the document has loaded. */
  open(url) {
    return this.command('POST', '/url', { url });
  }

  /** Runs `script` (a function) in the page with `args`; returns its (awaited) result. */
  evaluate(script, ...args) {
    return this.command('POST', '/execute/sync', { script: `return (${script}).apply(null, arguments)`, args });
  }

  /**
   * Waits until `condition` (a function run in the page with `args`) returns a truthy value,
   * which it returns; throws after `timeout` ms, saying what it waited for.
   */
  async waitFor(condition, { args = [], timeout = 60_000, what = String(condition) } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const value = await this.evaluate(condition, ...args);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The element matching `selector` (an error if none does). */
  async find(selector) {
    const found = await this.command('POST', '/element', { using: 'css selector', value: selector });
    return found[ELEMENT];
  }

  /**
   * Clicks the element matching `selector` as a user would, once it is drawn: waits (10 s at
   * most) until the element is what a click at its centre would hit. A user cannot click what
   * no frame has shown yet, but WebDriver can: WebKit then answers "element not interactable"
   * for a row of a table just revealed (content-visibility: auto lays it out at the next frame).
   */
  async click(selector) {
    await this.waitFor((wanted) => {
      const element = document.querySelector(wanted);
      if (!element) return false;
      element.scrollIntoView({ block: 'center', inline: 'center' });
      const box = element.getBoundingClientRect();
      return element.contains(document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2));
    }, { args: [selector], timeout: 10_000, what: `${selector} to be drawn and clickable` });
    await this.command('POST', `/element/${await this.find(selector)}/click`, {});
  }

  /** Gives the files at these absolute paths to the `<input type=file>` matching `selector`. */
  async upload(selector, paths) {
    await this.command('POST', `/element/${await this.find(selector)}/value`, { text: paths.join('\n') });
  }

  /** The rendered text of the element matching `selector`. */
  async text(selector) {
    return this.command('GET', `/element/${await this.find(selector)}/text`);
  }

  /** An attribute of the element matching `selector`, or null. */
  async attribute(selector, name) {
    return this.command('GET', `/element/${await this.find(selector)}/attribute/${name}`);
  }

  async delete() {
    await request('DELETE', this.url, undefined, COMMAND_TIMEOUT_MS);
  }
}

/** One WebDriver HTTP call; a WebDriver error becomes an Error with the driver's message. */
async function request(method, url, body, timeout) {
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(timeout),
    });
  } catch (error) {
    throw new Error(`WebDriver ${method} ${new URL(url).pathname}: ${error.name === 'TimeoutError' ? `no answer within ${timeout} ms` : error.message}`);
  }
  const { value } = await response.json();
  if (!response.ok) throw new Error(`WebDriver ${method} ${new URL(url).pathname}: ${value?.error}: ${value?.message}`);
  return value;
}

/** Polls the driver's /status until it accepts sessions; fails early if the driver exits. */
async function waitUntilReady(base, driver, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`${driver.spawnfile} exited with ${driver.exitCode}: ${driver.output()}`);
    try {
      if ((await request('GET', `${base}/status`, undefined, 2_000)).ready) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${driver.spawnfile} did not answer on ${base} within ${timeout} ms: ${driver.output()}`);
}

/** A port nobody listens on now (the driver binds it a moment later). */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The processes an engine runs on, each started in a process group of its own so that killing
 * it also ends the browser it started. Killed by their PIDs on stop, and on exit as a last
 * resort, so that a failing test leaves nothing running.
 */
class Processes {
  #children = [];
  #beforeStop = [];
  #killOnExit = () => this.#children.forEach((child) => killGroup(child));

  constructor() {
    process.once('exit', this.#killOnExit);
  }

  /** Starts `file`; its output is kept (the last 4 kB) for error messages. */
  start(file, args, env = {}) {
    const child = spawn(file, args, { env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => { output = (output + chunk).slice(-4096); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.output = () => output.trim();
    child.on('error', (error) => keep(String(error)));
    this.#children.push(child);
    return child;
  }

  /** Starts Xvfb on a display number it picks itself (-displayfd); returns `:N`. */
  async startDisplay() {
    const xvfb = spawn(ENGINES.webkit.executables.Xvfb, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    this.#children.push(xvfb);
    const number = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Xvfb did not start within 10 s')), 10_000);
      xvfb.stdio[3].once('data', (data) => { clearTimeout(timer); resolve(String(data).trim()); });
      xvfb.once('exit', (code) => { clearTimeout(timer); reject(new Error(`Xvfb exited with ${code}`)); });
    });
    return `:${number}`;
  }

  onStop(action) {
    this.#beforeStop.push(action);
  }

  async stopAll() {
    for (const action of this.#beforeStop.splice(0)) await action().catch(() => {});
    for (const child of this.#children.splice(0).reverse()) {
      killGroup(child, 'SIGTERM');
      const exited = child.exitCode !== null || child.signalCode !== null || await new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), 5_000);
        child.once('exit', () => { clearTimeout(timer); resolve(true); });
      });
      if (!exited) killGroup(child, 'SIGKILL');
    }
    process.removeListener('exit', this.#killOnExit);
  }
}

/** Signals the process group led by `child` (the child and what it started). */
function killGroup(child, signal = 'SIGKILL') {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
