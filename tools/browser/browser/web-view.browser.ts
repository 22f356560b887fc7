// The web view in a real browser (Debian's headless Chromium via playwright-core) against real devices
// (createDevice) and a real control point on a private SSDP port on 127.0.0.1. The tests share one lab and one
// page, in order; the last one breaks the server on purpose, on a page of its own.
import http from 'node:http';
import type { ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, type Browser } from '../src/chromium.ts';
import { DEMO_DEVICES, startLab, type Lab } from '../src/lab.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';
const REBIND_NAME = 'rebind.test';
const missing = chromiumMissing();

/** The page's rows as [udn, first cell text]. */
async function rows(page: Page): Promise<[string, string][]> {
  return page.$$eval('[data-udn]', (elements) =>
    elements.map((e) => [e.getAttribute('data-udn') ?? '', e.querySelector('td')?.textContent ?? '']),
  );
}

async function waitForRowCount(page: Page, count: number, timeout = 10_000): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('tr[data-udn]').length === n, count, { timeout });
}

function rawGet(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { Host: host }, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe.skipIf(missing !== undefined)(
  missing === undefined ? 'web view in headless Chromium' : `web view in headless Chromium (skipped: ${missing})`,
  () => {
    let lab: Lab;
    let browser: Browser;
    let page: Page;
    const consoleErrors: string[] = [];
    const dialogs: string[] = [];
    const requests: string[] = [];

    beforeAll(async () => {
      lab = await startLab(DEMO_DEVICES);
      browser = await launchChromium({ extraArgs: [`--host-resolver-rules=MAP ${REBIND_NAME} 127.0.0.1`] });
      page = await browser.context.newPage();
      page.on('console', (message: ConsoleMessage) => {
        if (message.type() === 'error' || message.type() === 'warning')
          consoleErrors.push(`${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
      page.on('dialog', (dialog) => {
        dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss();
      });
      page.on('request', (request) => requests.push(request.url()));
    });

    afterAll(async () => {
      await browser?.close();
      await lab?.stop();
    });

    it('shows the three devices; each row carries data-udn, and nothing else does', async () => {
      const response = await page.goto(lab.webView.url);
      expect(response?.status()).toBe(200);
      await page.evaluate(() => ((window as unknown as { loadMarker: number }).loadMarker = 42));
      await waitForRowCount(page, 3);
      const shown = await rows(page);
      expect(shown.map(([, name]) => name).sort()).toEqual(['Family NAS', 'Kitchen Light', 'Living Room TV']);
      expect(shown.map(([udn]) => udn).sort()).toEqual(lab.devices.map((d) => d.udn).sort());
      expect(
        await page.$$eval('[data-udn]', (elements) =>
          elements.every((e) => e.tagName === 'TR' && e.classList.contains('row')),
        ),
      ).toBe(true);
      await expect.poll(() => page.textContent('#status')).toBe('live');
    });

    it('every response carries the strict CSP, nosniff and no framing', async () => {
      for (const path of ['', 'app.js', 'app.css', 'favicon.svg', 'api/nothing']) {
        const response = await page.request.get(`${lab.webView.url}${path}`, { timeout: 5000, maxRedirects: 0 });
        const headers = response.headers();
        expect(headers['content-security-policy'], path).toContain("default-src 'self'");
        expect(headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
        expect(headers['content-security-policy'], path).not.toContain('unsafe-inline');
        expect(headers['x-content-type-options'], path).toBe('nosniff');
        expect(headers['x-frame-options'], path).toBe('DENY');
      }
      const streamCsp = await page.evaluate(async () => {
        const controller = new AbortController();
        const response = await fetch('/api/events', { signal: controller.signal });
        controller.abort();
        return response.headers.get('content-security-policy');
      });
      expect(streamCsp).toContain("default-src 'self'");
    });

    it('details: USNs, LOCATION, SERVER, services, embedded devices, the icon from our own origin, raw messages', async () => {
      const nas = lab.devices[2]!;
      await page.locator(`tr[data-udn="${nas.udn}"]`).click();
      await expect.poll(() => page.textContent('#details-title')).toBe('Family NAS');
      await page.waitForSelector('#details-described .service', { timeout: 10_000 });
      const text = (await page.textContent('#details'))!;
      expect(text).toContain('urn:schemas-upnp-org:service:ContentDirectory:1');
      expect(text).toContain('urn:schemas-upnp-org:service:ConnectionManager:1');
      expect(text).toContain('NAS front panel');
      expect(text).toContain(`${nas.udn}::upnp:rootdevice`);
      expect(text).toMatch(/http:\/\/127\.0\.0\.1:\d+\/.*description/); // LOCATION
      expect(text).toContain('ssdp-device/'); // SERVER
      expect(text).toMatch(/\/control|\/ctl|control/i);
      await page.waitForFunction(
        () => {
          const icon = document.querySelector<HTMLImageElement>('#details-icon');
          return icon !== null && !icon.hidden && icon.complete && icon.naturalWidth === 48;
        },
        undefined,
        { timeout: 10_000 },
      );
      expect(await page.getAttribute('#details-icon', 'src')).toBe(`/api/icon?udn=${encodeURIComponent(nas.udn)}`);
      await page.waitForSelector('#details-described figure.raw pre', { timeout: 10_000 });
      expect(await page.textContent('#details-described figure.raw pre')).toMatch(
        /^(HTTP\/1\.1 200 OK|NOTIFY \* HTTP\/1\.1)/,
      );
      // The browser talked to our origin only: the description and the icon were read by the server.
      const origin = new URL(lab.webView.url).origin;
      expect(requests.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
      await page.locator('#details-close').click();
      expect(await page.isHidden('#details')).toBe(true);
    });

    it('"Search now" sends an M-SEARCH for the ST in the field, and a device answers it', async () => {
      const nas = lab.devices[2]!;
      const st = 'urn:schemas-upnp-org:device:MediaServer:1';
      const heard = new Promise<string>((resolve) => {
        nas.on('search-received', (event) => {
          if (event.st === st) resolve(`${event.from.address} ${event.responses}`);
        });
      });
      await page.fill('#search-st', st);
      await page.click('#search-form button[type="submit"]');
      await expect.poll(() => page.textContent('#search-result')).toBe(`sent M-SEARCH for ${st}`);
      expect(await heard).toBe('127.0.0.1 1');
      // The answer reached the control point and the page's traffic pane.
      await page.waitForFunction(
        (target) =>
          [...document.querySelectorAll('#traffic-list li')].some(
            (li) =>
              li.querySelector('.kind')?.textContent === 'search-response' &&
              (li.textContent ?? '').includes(`ST ${target}`),
          ),
        st,
        { timeout: 5000 },
      );
      // (The pane keeps only its latest lines, so the search-sent line itself may already have scrolled out.)
    });

    it('a hostile friendlyName shows exactly as text; no dialog opens and no script runs', async () => {
      const hostile = await lab.addDevice({
        friendlyName: HOSTILE,
        deviceType: 'urn:schemas-upnp-org:device:MediaServer:1',
      });
      await page.waitForFunction(
        (udn) => document.querySelector(`tr[data-udn="${udn}"] td`)?.textContent === '<img src=x onerror=alert(1)>',
        hostile.udn,
        { timeout: 10_000 },
      );
      await page.locator(`tr[data-udn="${hostile.udn}"]`).click();
      await expect.poll(() => page.textContent('#details-title')).toBe(HOSTILE);
      await page.waitForSelector('#details-described .panel-section', { timeout: 10_000 });
      // The traffic pane names it too, as text (its lines are drawn at most every 250 ms).
      await page.waitForFunction(
        (name) =>
          [...document.querySelectorAll('#traffic-list li .what')].some(
            (item) => item.textContent?.startsWith(name) === true,
          ),
        HOSTILE,
        { timeout: 2000 },
      );
      await page.waitForTimeout(500); // time for an injected handler to fire, if there were one
      expect(dialogs).toEqual([]);
      expect(
        await page.$$eval('img', (images) =>
          images.map((img) => img.getAttribute('src') ?? '').filter((src) => src === 'x' || src.endsWith('/x')),
        ),
      ).toEqual([]);
      expect(
        await page.evaluate(() => document.querySelectorAll('#rows img, #details-title img, #traffic-list img').length),
      ).toBe(0);
      await page.keyboard.press('Escape');
    });

    it('works from the keyboard: filter, sort buttons, rows, details, Escape', async () => {
      await page.focus('#filter');
      await page.keyboard.type('kitchen');
      await waitForRowCount(page, 1);
      await page.fill('#filter', '');
      await waitForRowCount(page, 4);
      await page.focus('th.c0 button');
      await page.keyboard.press('Enter');
      expect(await page.getAttribute('th.c0', 'aria-sort')).toBe('descending');
      const names = (await rows(page)).map(([, name]) => name);
      expect(names).toEqual([...names].sort((a, b) => b.localeCompare(a, undefined, { sensitivity: 'base' })));
      for (
        let i = 0;
        i < 12 && !(await page.evaluate(() => document.activeElement?.matches('tr.row') ?? false));
        i += 1
      )
        await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.matches('tr.row'))).toBe(true);
      const first = await page.evaluate(() => document.activeElement?.getAttribute('data-udn'));
      await page.keyboard.press('ArrowDown');
      const second = await page.evaluate(() => document.activeElement?.getAttribute('data-udn'));
      expect(second).not.toBe(first);
      await page.keyboard.press('Enter');
      expect(await page.isVisible('#details')).toBe(true);
      const title = await page.textContent('#details-title');
      expect(title).toBe((await rows(page)).find(([udn]) => udn === second)?.[1]);
      await page.keyboard.press('Escape');
      expect(await page.isHidden('#details')).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-udn'))).toBe(second);
      await page.focus('th.c0 button');
      await page.keyboard.press('Enter'); // back to ascending
    });

    it('a device that stops (byebye) disappears within 2 s, without a reload', async () => {
      const tv = lab.devices[1]!;
      const udn = tv.udn;
      const started = Date.now();
      await tv.stop();
      await page.waitForFunction(
        (gone) => ![...document.querySelectorAll('tr[data-udn]')].some((row) => row.getAttribute('data-udn') === gone),
        udn,
        { timeout: 2000 },
      );
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(2000);
      expect(await page.evaluate(() => (window as unknown as { loadMarker?: number }).loadMarker)).toBe(42);
      // The traffic pane may still name it.
      await page.waitForFunction(
        (gone) =>
          [...document.querySelectorAll('#traffic-list li')].some(
            (li) => li.textContent?.includes('device-removed') && li.textContent.includes(gone),
          ),
        udn,
        { timeout: 2000 },
      );
      console.log(`web view: a stopped device left the page ${elapsed} ms after stop() began`);
    });

    it('refuses a foreign Host header (421), from a forged request and from a DNS-rebinding page', async () => {
      const url = lab.webView.url;
      expect(await rawGet(url, `evil.example:${lab.webView.port}`)).toBe(421);
      expect(await rawGet(`${url}api/events`, 'evil.example')).toBe(421);
      const rebound = await browser.context.newPage();
      try {
        const response = await rebound.goto(`http://${REBIND_NAME}:${lab.webView.port}/`);
        expect(response?.status()).toBe(421);
        expect(await rebound.$$('tr[data-udn]')).toHaveLength(0);
      } finally {
        await rebound.close();
      }
    });

    it('refuses a search from another origin (fetch, form post), and sends nothing', async () => {
      const st = 'urn:schemas-upnp-org:device:CrossOriginProbe:1';
      const sent: string[] = [];
      lab.controlPoint.on('search-sent', (event) => sent.push(event.target));
      const target = `${lab.webView.url}api/search`;
      lab.setOtherPage(
        `<!doctype html><form id="f" method="POST" enctype="text/plain" action="${target}"><input name='{"st":"${st}","x":"' value='"}'></form>`,
      );
      const other = await browser.context.newPage();
      const statuses: number[] = [];
      other.on('response', (response) => {
        if (response.url() === target) statuses.push(response.status());
      });
      try {
        await other.goto(`${lab.otherOrigin}/page`);
        const results = await other.evaluate(
          async ({ url, body }) => {
            const out: string[] = [];
            try {
              await fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body });
              out.push('no-cors: sent (opaque)');
            } catch (error) {
              out.push(`no-cors: ${String(error)}`);
            }
            try {
              const response = await fetch(url, {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body,
              });
              out.push(`cors: ${response.status}`);
            } catch {
              out.push('cors: blocked');
            }
            return out;
          },
          { url: target, body: JSON.stringify({ st }) },
        );
        // no-cors: the request goes out and is refused; the browser may also withhold the opaque answer
        // (Cross-Origin-Resource-Policy: same-origin), which fails the fetch. A CORS request never gets past its
        // preflight (OPTIONS is 405, no CORS headers).
        expect(results[0]).toMatch(/^no-cors: (sent \(opaque\)|TypeError: Failed to fetch)$/);
        expect(results[1]).toBe('cors: blocked');
        await Promise.all([
          other.waitForNavigation(),
          other.evaluate(() => (document.getElementById('f') as HTMLFormElement).submit()),
        ]);
      } finally {
        await other.close();
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(statuses.length).toBeGreaterThan(0);
      expect(statuses.every((status) => status === 403 || status === 405 || status === 415)).toBe(true);
      expect(sent.filter((target) => target === st)).toEqual([]);
    });

    it('reads at phone width and follows a dark colour scheme', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.emulateMedia({ colorScheme: 'dark' });
      await waitForRowCount(page, 3);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(13, 17, 23)');
      expect(await page.isVisible('#search-form button')).toBe(true);
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.emulateMedia({ colorScheme: 'light' });
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
    });

    it('the page logged no error or warning, and no dialog opened', () => {
      expect(consoleErrors).toEqual([]);
      expect(dialogs).toEqual([]);
    });

    it('reconnects and resyncs by itself when the server goes away and comes back', async () => {
      const second = await browser.context.newPage();
      try {
        await second.goto(lab.webView.url);
        await waitForRowCount(second, 3);
        await second.evaluate(() => ((window as unknown as { loadMarker: number }).loadMarker = 7));
        const light = lab.devices[0]!;
        await lab.restartWebView(async () => {
          await second.waitForFunction(
            () => document.getElementById('status')?.dataset['state'] !== 'live',
            undefined,
            { timeout: 5000 },
          );
          await light.stop(); // missed by the page: it has no stream now
        });
        await second.waitForFunction(
          (gone) =>
            document.getElementById('status')?.dataset['state'] === 'live' &&
            !document.querySelector(`tr[data-udn="${gone}"]`),
          light.udn,
          {
            timeout: 10_000,
          },
        );
        await waitForRowCount(second, 2);
        expect(
          await second.evaluate(
            () => (window as unknown as { loadMarker?: number; ssdpWebView: { snapshots: number } }).loadMarker,
          ),
        ).toBe(7);
        expect(
          await second.evaluate(
            () => (window as unknown as { ssdpWebView: { snapshots: number } }).ssdpWebView.snapshots,
          ),
        ).toBeGreaterThanOrEqual(2);
      } finally {
        await second.close();
      }
    });
  },
);
