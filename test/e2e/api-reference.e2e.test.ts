/**
 * The API reference page in a real browser: Swagger UI renders the published
 * contract under the app's strict CSP with no violation and no request
 * beyond this origin; an operation opens with its access and responses.
 * Screenshots at phone, tablet and desktop widths (test-results/), and
 * axe-core finds no WCAG A/AA violation (after the page's own fixes to Swagger UI).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { REFERENCE_PATH } from '../../src/core/http/api-reference.js';
import { OPENAPI_PATH, SESSION_SCHEME } from '../../src/core/http/openapi.js';
import { axeViolations } from '../helpers/axe.js';
import { ARTIFACTS, BROWSER_SKIP, createBrowserHarness, launchChromium } from '../helpers/browser.js';
import type { Harness } from '../helpers/harness.js';

describe('the API reference page, in the browser', { skip: BROWSER_SKIP }, () => {
  let harness: Harness;
  let browser: Browser;
  let coreUrl: string;

  before(async () => {
    const installation = await createBrowserHarness();
    await installation.listen();
    [harness, coreUrl, browser] = [installation.harness, installation.coreUrl, await launchChromium()];
  });
  after(() => Promise.all([browser?.close(), harness?.close()]));

  it('names the __Host- session cookie behind TLS', async () => {
    const document = (await harness.core.app.inject({ url: OPENAPI_PATH })).json<{ components: { securitySchemes: Record<string, { name: string }> } }>();
    assert.equal(document.components.securitySchemes[SESSION_SCHEME]?.name, '__Host-tacet_session');
  });

  it('renders the contract under the strict CSP, opens an operation, at 390, 768 and 1280 px', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Collected before any page script runs; a CSP refusal fires this event (and logs a console error).
    await context.addInitScript(() => {
      const seen: string[] = [];
      (globalThis as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(`${coreUrl}/`) && !request.url().startsWith('data:')) elsewhere.push(request.url());
    });

    // The page opens as a list of features; open one, then one of its operations.
    await page.goto(`${coreUrl}${REFERENCE_PATH}`);
    await page.getByRole('heading', { name: 'auth' }).click();
    await page.locator('#operations-auth-postAuthLogin .opblock-summary-control').click();
    const login = page.locator('#operations-auth-postAuthLogin.is-open');
    await login.getByText('Access: public (no session needed).').waitFor();
    await login.getByText('Request body').waitFor();
    await login.getByText('An error: 4xx for the request, 5xx for the service.').waitFor();

    for (const width of [390, 768, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: path.join(ARTIFACTS, `api-reference-${width}.png`), fullPage: true });
      // Swagger UI's own colours fail AA contrast and its deep links nest controls: reference.css and deepLinking: false fix both.
      assert.deepEqual(await axeViolations(page), [], `axe at ${width} px`);
    }
    const violations = await page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations);
    assert.deepEqual(violations, [], 'CSP violations');
    assert.deepEqual(consoleErrors, [], 'console errors');
    assert.deepEqual(elsewhere, [], 'requests beyond this origin');
    await context.close();
  });
});
