import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openWorkbench, type Workbench } from './workbench';

// The config language in a real VS Code: Problems at the right lines, a quick fix through the lightbulb,
// completion with documentation. Red Hat's YAML extension is not installed, so every problem is TrainLens's.
const BROKEN = `version: 1
model:
  preset: mlpp
  input_shape: [64]
  outputs: 10
data:
  source: synthetic
  batch_size: 32
training:
  optimizer:
    name: adam
  loss: mse
  learnin_rate: 0.01
`;

let wb: Workbench;
let page: Page;

before(async () => {
  wb = await openWorkbench({ 'broken.trainlens.yaml': BROKEN }, 'broken.trainlens.yaml');
  page = wb.page;
  // Open the config from the explorer, as a user would.
  await page.locator('.explorer-folders-view').getByText('broken.trainlens.yaml').click();
  await page.locator('.monaco-editor .view-lines').getByText('mlpp').waitFor({ timeout: 30_000 });
});

after(async () => {
  await wb?.close();
});

/** The rows of the Problems panel as plain text. */
async function problems(): Promise<string[]> {
  const rows = page.locator('.markers-panel .monaco-list-row');
  return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

test('opening a broken config lists its problems at the right lines', async () => {
  try {
    await wb.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const panel = page.locator('.markers-panel');
    await panel.getByText('Did you mean "mlp"?', { exact: false }).waitFor({ timeout: 60_000 });
    await panel.getByText('learnin_rate', { exact: false }).waitFor();
    const rows = await problems();
    assert.ok(
      rows.some((r) => /model\.preset must be one of .*Did you mean "mlp"\?.*\[Ln 3, Col 11\]/.test(r)),
      rows.join('\n'),
    );
    assert.ok(
      rows.some((r) => /Unknown key "learnin_rate" in training\..*\[Ln 13, Col 3\]/.test(r)),
      rows.join('\n'),
    );
    assert.ok(
      rows.some((r) => /TrainLens/.test(r) && /schema\/enum/.test(r)),
      'source and code are shown',
    );
    await wb.shot('config-problems');
  } catch (error) {
    await wb.shot('failure-config-problems');
    throw error;
  }
});

test('the lightbulb applies the quick fix and the problem disappears', async () => {
  try {
    // Put the cursor on the wrong value; the lightbulb appears in the gutter.
    await page.locator('.monaco-editor .view-lines').getByText('mlpp').click();
    const bulb = page.locator('.lightBulbWidget');
    await bulb.first().waitFor({ timeout: 20_000 });
    await bulb.first().click();
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Set model.preset to mlp' });
    await fix.waitFor({ timeout: 10_000 });
    await wb.shot('config-lightbulb');
    // The preferred fix (the closest value) is focused first; Enter applies it.
    assert.equal(
      await page.locator('.action-widget .monaco-list-row.focused').getAttribute('aria-label'),
      'Set model.preset to mlp',
    );
    await page.keyboard.press('Enter');
    await page
      .locator('.monaco-editor .view-lines')
      .getByText('preset: mlp', { exact: true })
      .waitFor({ timeout: 10_000 });
    // After the debounce the problem is gone; the other one stays.
    await page
      .locator('.markers-panel')
      .getByText('Did you mean "mlp"?', { exact: false })
      .waitFor({ state: 'detached', timeout: 20_000 });
    const rows = await problems();
    assert.ok(
      rows.some((r) => r.includes('learnin_rate')),
      rows.join('\n'),
    );
    assert.ok(!rows.some((r) => r.includes('mlpp')), rows.join('\n'));
  } catch (error) {
    await wb.shot('failure-config-quickfix');
    throw error;
  }
});

test('completion offers a key with its documentation', async () => {
  try {
    // A new line at the end of the data section, then ask for completion.
    await page.keyboard.press('Control+G');
    await page.keyboard.type('8');
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('pref');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.suggest-widget');
    await suggest.locator('.monaco-list-row', { hasText: 'prefetch' }).first().waitFor({ timeout: 20_000 });
    const details = page.locator('.suggest-details');
    if (!(await details.isVisible())) await page.keyboard.press('Control+Space'); // toggles the details side panel
    await details.getByText('Batches prepared ahead', { exact: false }).waitFor({ timeout: 10_000 });
    assert.match(await details.innerText(), /Range: 0 ≤ value ≤ 64/);
    await wb.shot('config-completion');
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines').getByText('prefetch: 0').waitFor({ timeout: 10_000 });
  } catch (error) {
    await wb.shot('failure-config-completion');
    throw error;
  }
});
