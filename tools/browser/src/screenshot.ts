// docs/web-view.png: the page with the demo's three devices, one opened in the details panel, at 1280x800.
// Run: nx run browser:screenshot (needs /usr/bin/chromium). Also writes docs/web-view-phone.png (390x844, dark).
import { fileURLToPath } from 'node:url';
import { chromiumMissing, launchChromium } from './chromium.ts';
import { DEMO_DEVICES, startLab } from './lab.ts';

const docs = fileURLToPath(new URL('../../../docs/', import.meta.url));
const missing = chromiumMissing();
if (missing !== undefined) {
  process.stderr.write(`screenshot: ${missing}\n`);
  process.exit(2);
}

const lab = await startLab(DEMO_DEVICES);
try {
  for (const [file, viewport, colorScheme] of [
    ['web-view.png', { width: 1280, height: 800 }, 'light'],
    ['web-view-phone.png', { width: 390, height: 844 }, 'dark'],
  ] as const) {
    const browser = await launchChromium({ viewport, colorScheme });
    try {
      const page = await browser.context.newPage();
      await page.goto(lab.webView.url);
      await page.waitForFunction((n) => document.querySelectorAll('tr[data-udn]').length === n, DEMO_DEVICES.length, {
        timeout: 10_000,
      });
      await page.locator('tr[data-udn]', { hasText: 'Living Room TV' }).click();
      await page.waitForSelector('#details-described .service', { timeout: 10_000 });
      await page.waitForFunction(() => {
        const icon = document.querySelector<HTMLImageElement>('#details-icon');
        return icon !== null && !icon.hidden && icon.complete && icon.naturalWidth > 0;
      });
      if (viewport.width < 700) await page.locator('#details-close').click();
      await page.screenshot({ path: `${docs}${file}` });
      process.stdout.write(`screenshot: wrote docs/${file}\n`);
    } finally {
      await browser.close();
    }
  }
} finally {
  await lab.stop();
}
