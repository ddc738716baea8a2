import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** One axe-core rule broken on the screen, with the elements that break it. */
export interface AccessibilityViolation {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  /** Each element's selector, with what axe says is wrong with it. */
  readonly targets: readonly string[];
}

/**
 * Fluent UI's focus guards (Tabster's `<i data-tabster-dummy aria-hidden tabindex="0">`, which hand focus on at once)
 * break `aria-hidden-focus` by design; Microsoft's Accessibility Insights suppresses exactly that pair
 * (https://github.com/microsoft/accessibility-insights-web/pull/7605, https://github.com/microsoft/tabster/issues/288),
 * and so does this check — every other node of that rule, and every other rule, still counts.
 */
const tabsterDummy = `v.id === 'aria-hidden-focus' && n.html.includes('data-tabster-dummy')`;

/**
 * Runs axe-core (Deque's accessibility engine, the checker behind Microsoft's Accessibility Insights) inside the
 * tab's frame and returns the violations of impact `serious` or `critical` against WCAG 2.x A and AA.
 */
export async function seriousViolations(frame: Frame): Promise<AccessibilityViolation[]> {
  await animationsSettled(frame);
  const present = await frame.evaluate<boolean>('typeof window.axe === "object"');
  if (!present) await frame.evaluate(axeSource);
  // A string, evaluated in the page: this project compiles without the DOM library.
  return frame.evaluate<AccessibilityViolation[]>(
    `window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      .then((result) => result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ ...v, nodes: v.nodes.filter((n) => !(${tabsterDummy})) }))
        .filter((v) => v.nodes.length > 0)
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ') + ' — ' + (n.failureSummary ?? '').split('\\n').slice(1).join(' ').trim()) })))`,
  );
}

/**
 * Waits (up to 3 s) for the frame's finite CSS animations and transitions to end: axe reads the colours of the moment,
 * and a toast fading in or a button changing from disabled to enabled measures a contrast the screen never rests at
 * (seen as 1.7:1 on a toast title and 4.46:1 on a button mid-transition under load). Endless ones (spinners) are not
 * waited for.
 */
async function animationsSettled(frame: Frame): Promise<void> {
  await frame.evaluate(`Promise.race([
    Promise.all(document.getAnimations()
      .filter((a) => a.effect === null || a.effect.getComputedTiming().iterations !== Infinity)
      .map((a) => a.finished.catch(() => undefined))),
    new Promise((resolve) => setTimeout(resolve, 3000)),
  ])`);
}

/** Fails with a readable list when the screen in `frame` has a serious or critical accessibility violation. */
export async function assertAccessible(frame: Frame, screen: string): Promise<void> {
  const violations = await seriousViolations(frame);
  if (violations.length === 0) return;
  const lines = violations.map(
    (v) => `- ${v.impact} ${v.id}: ${v.help}\n    ${v.targets.slice(0, 5).join('\n    ')}`,
  );
  throw new Error(
    `${screen}: ${violations.length} serious or critical accessibility violation(s)\n${lines.join('\n')}`,
  );
}
