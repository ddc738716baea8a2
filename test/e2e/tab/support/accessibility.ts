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
 * Text the colour of its background: axe leaves it "to review" (`color-contrast`, `equalRatio`), since text may be
 * hidden so on purpose. Nothing in the tab is: a Fluent badge outlined in the "subtle" colour drew white text on no
 * fill, unseen on a white table, and passed. Counted here as the serious contrast failure it is.
 */
const unseenText = `v.id === 'color-contrast' && n.any.some((a) => a.data && a.data.messageKey === 'equalRatio')`;

/**
 * Runs axe-core (Deque's accessibility engine, the checker behind Microsoft's Accessibility Insights) inside the
 * tab's frame and returns the violations of impact `serious` or `critical` against WCAG 2.x A and AA, and text the
 * colour of its background ({@link unseenText}).
 */
export async function seriousViolations(frame: Frame): Promise<AccessibilityViolation[]> {
  const present = await frame.evaluate<boolean>('typeof window.axe === "object"');
  if (!present) await frame.evaluate(axeSource);
  await animationsSettled(frame);
  // A string, evaluated in the page: this project compiles without the DOM library.
  return frame.evaluate<AccessibilityViolation[]>(
    `window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      .then((result) => [
        ...result.violations,
        ...result.incomplete
          .map((v) => ({ ...v, impact: 'serious', help: 'Text is the colour of its background: nobody sees it', nodes: v.nodes.filter((n) => ${unseenText}) }))
          .filter((v) => v.nodes.length > 0),
      ]
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ ...v, nodes: v.nodes.filter((n) => !(${tabsterDummy})) }))
        .filter((v) => v.nodes.length > 0)
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ') + ' — ' + (n.failureSummary ?? '').split('\\n').slice(1).join(' ').trim()) })))`,
  );
}

/**
 * Waits until nothing on the frame's screen is moving: axe reads the colours of the moment, and a toast fading in or
 * out or a button changing from disabled to enabled measures a contrast the screen never rests at (seen as 1.7:1 on
 * a toast title and 4.46:1 on a button mid-transition under load). Every CSS transition and animation and every Web
 * Animation (Fluent's motion) counts while it runs, including ones that start while we wait (a toast dismissed by its
 * timer starts fading out), except endless ones (spinners) and those that change no value: Fluent times a toast's
 * dismissal with a CSS animation from opacity 0 to 0 on an empty span, which runs for the toast's whole timeout.
 * Fails, naming what still moves, when the screen has not settled within 10 s. Also what a screenshot waits for.
 */
export async function animationsSettled(frame: Frame): Promise<void> {
  // A string, evaluated in the page: this project compiles without the DOM library.
  const stillMoving = await frame.evaluate<string[]>(`(async () => {
    const changesSomething = (a) => {
      const frames = a.effect === null ? [] : a.effect.getKeyframes();
      const values = (name) => new Set(frames.map((k) => String(k[name])));
      const names = new Set(frames.flatMap((k) => Object.keys(k)));
      for (const name of ['offset', 'computedOffset', 'easing', 'composite']) names.delete(name);
      return frames.length < 2 ? names.size > 0 : [...names].some((name) => values(name).size > 1);
    };
    const moving = () => document.getAnimations().filter((a) =>
      a.playState === 'running' &&
      (a.effect === null || a.effect.getComputedTiming().iterations !== Infinity) &&
      changesSomething(a));
    const nextFrame = () => new Promise((resolve) => { requestAnimationFrame(resolve); setTimeout(resolve, 100); });
    const deadline = performance.now() + 10000;
    for (;;) {
      await nextFrame();
      const now = moving();
      if (now.length === 0) return [];
      const left = deadline - performance.now();
      if (left <= 0) return now.map((a) => a.constructor.name + ' on ' + (a.effect?.target?.outerHTML.slice(0, 120) ?? 'nothing'));
      await Promise.race([
        Promise.all(now.map((a) => a.finished.catch(() => undefined))),
        new Promise((resolve) => setTimeout(resolve, left)),
      ]);
    }
  })()`);
  if (stillMoving.length > 0)
    throw new Error(
      `the screen was still moving after 10 s, so its colours cannot be checked:\n${stillMoving.join('\n')}`,
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
