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
  readonly targets: readonly string[];
}

/**
 * Runs axe-core (Deque's accessibility engine, the checker behind Microsoft's Accessibility Insights) inside the
 * tab's frame and returns the violations of impact `serious` or `critical` against WCAG 2.x A and AA.
 * Fluent UI's focus bumpers (tabster's `data-tabster-dummy` elements: aria-hidden on purpose, they only pass focus
 * on) are left out of `aria-hidden-focus`, as Microsoft's Accessibility Insights does: a known false positive
 * (https://github.com/microsoft/accessibility-insights-web/pull/7605, https://github.com/microsoft/tabster/issues/288).
 */
export async function seriousViolations(frame: Frame): Promise<AccessibilityViolation[]> {
  const present = await frame.evaluate<boolean>('typeof window.axe === "object"');
  if (!present) await frame.evaluate(axeSource);
  // A string, evaluated in the page: this project compiles without the DOM library.
  // Fluent UI's focus manager (Tabster) adds focusable, aria-hidden `<i data-tabster-dummy>` around lists such as the
  // TabList, only to move focus on at once: a known false positive of `aria-hidden-focus` that Microsoft's
  // Accessibility Insights excludes too (https://github.com/microsoft/tabster/issues/288,
  // https://github.com/microsoft/accessibility-insights-web/issues/7613). Those elements alone are left out.
  return frame.evaluate<AccessibilityViolation[]>(
    `window.axe.run({ exclude: [['[data-tabster-dummy]']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      .then((result) => result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ ...v, nodes: v.nodes.filter((n) => !(v.id === 'aria-hidden-focus' && n.html.includes('data-tabster-dummy'))) }))
        .filter((v) => v.nodes.length > 0)
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`,
  );
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
