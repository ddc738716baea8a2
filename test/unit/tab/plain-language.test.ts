import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { REPORT_DEFINITIONS } from '../../../src/services/report-service.js';
import { repoRoot } from '../../support/processes.js';
import { jargonIn } from '../../support/plain-language.js';

/** JSX attributes whose value a person reads or hears. */
const TEXT_ATTRIBUTES = new Set([
  'label',
  'title',
  'description',
  'hint',
  'aria-label',
  'aria-description',
  'placeholder',
  'validationMessage',
  'header',
  'content',
  'alt',
  'text',
]);
/** Object properties whose value the tab shows (tab labels, columns, toasts, empty states). */
const TEXT_PROPERTIES = new Set([
  'label',
  'title',
  'description',
  'hint',
  'message',
  'body',
  'text',
  'header',
]);
/** Calls whose string arguments the tab shows. */
const TEXT_CALLS = new Set(['notify', 'plural', 'ApiError', 'NotInTeamsError', 'SignInError']);

interface Found {
  readonly where: string;
  readonly text: string;
}

/** Every piece of text the tab's sources show a person: JSX text, text attributes, labels, toasts. */
function tabTexts(): Found[] {
  const root = path.join(repoRoot, 'tab', 'web', 'src');
  const files = fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.tsx') || file.endsWith('.ts'))
    .map((file) => path.join(root, file));
  const found: Found[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const add = (node: ts.Node, text: string): void => {
      if (text.trim() === '') return;
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      found.push({ where: `${path.relative(repoRoot, file)}:${String(line + 1)}`, text });
    };
    /** The literal text of a string or template (its fixed parts, the substitutions as "…"). */
    const literal = (node: ts.Node): string | undefined => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
      if (ts.isTemplateExpression(node)) {
        return [node.head.text, ...node.templateSpans.map((span) => `… ${span.literal.text}`)].join('');
      }
      return undefined;
    };
    /** The strings an expression can evaluate to, through conditionals and `??` / `||`. */
    const strings = (node: ts.Node): [ts.Node, string][] => {
      const text = literal(node);
      if (text !== undefined) return [[node, text]];
      if (ts.isParenthesizedExpression(node)) return strings(node.expression);
      if (ts.isConditionalExpression(node)) return [...strings(node.whenTrue), ...strings(node.whenFalse)];
      if (
        ts.isBinaryExpression(node) &&
        (node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken ||
          node.operatorToken.kind === ts.SyntaxKind.BarBarToken ||
          node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken ||
          node.operatorToken.kind === ts.SyntaxKind.PlusToken)
      ) {
        return [...strings(node.left), ...strings(node.right)];
      }
      return [];
    };
    const visit = (node: ts.Node): void => {
      if (ts.isJsxText(node)) add(node, node.text);
      if (ts.isJsxExpression(node) && node.expression !== undefined && !ts.isJsxAttribute(node.parent)) {
        for (const [at, text] of strings(node.expression)) add(at, text);
      }
      if (ts.isJsxAttribute(node) && TEXT_ATTRIBUTES.has(node.name.getText(source))) {
        const value = node.initializer;
        if (value !== undefined && ts.isStringLiteral(value)) add(value, value.text);
        if (value !== undefined && ts.isJsxExpression(value) && value.expression !== undefined) {
          for (const [at, text] of strings(value.expression)) add(at, text);
        }
      }
      if (ts.isPropertyAssignment(node) && TEXT_PROPERTIES.has(node.name.getText(source))) {
        for (const [at, text] of strings(node.initializer)) add(at, text);
      }
      if (
        (ts.isCallExpression(node) || ts.isNewExpression(node)) &&
        TEXT_CALLS.has(node.expression.getText(source).split('.').pop() ?? '')
      ) {
        for (const argument of node.arguments ?? [])
          for (const [at, text] of strings(argument)) add(at, text);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/**
 * Admin-facing text in plain language (issue 16): no rule numbers, endpoint paths, "Graph requests" or setting
 * names in what the tab shows. The bot's cards are checked card by card in test/unit/bot/cards.test.ts, and every
 * screen's rendered text in test/e2e/tab/accessibility-every-screen.test.ts.
 */
describe('plain language in admin-facing text', () => {
  it('the forbidden patterns catch each kind of jargon and let plain sentences through', () => {
    for (const bad of [
      'Billable = imported and enabled (rule 9)',
      'as DESIGN §9 says',
      'Microsoft Graph answered 503 to users.delta',
      'read from /subscribedSkus',
      '3 Graph requests',
      'set CONSENT_APP_CLIENT_ID and CONSENT_APP_CLIENT_SECRET',
      'Registered comes from userRegistrationDetails',
      'sign-ins whose authenticationRequirement was multi-factor',
    ]) {
      assert.notDeepEqual(jargonIn(bad), [], bad);
    }
    for (const plain of [
      'Megan Partner disabled Adele Cho',
      'Grant User.Read.All and Directory.Read.All in Entra',
      'Signed in as megan.partner@msp-demo.onmicrosoft.com',
      '12 of 30 days read',
      'Works on iOS and Android',
    ]) {
      assert.deepEqual(jargonIn(plain), [], plain);
    }
  });

  it('the tab’s texts (JSX text, labels, hints, toasts) name no rule, endpoint or setting', () => {
    const texts = tabTexts();
    // The scan finds the tab's texts at all (a broken scan must not pass by finding nothing).
    assert.ok(texts.length > 300, `only ${String(texts.length)} texts found`);
    assert.ok(texts.some((found) => found.text.includes('Add client')));
    const offending = texts.flatMap((found) =>
      jargonIn(found.text).map(
        (problem) => `${found.where} ${problem} in "${found.text.trim().slice(0, 120)}"`,
      ),
    );
    assert.deepEqual(offending, []);
  });

  it('the reports’ definitions and notes the tab shows are plain', () => {
    const offending = Object.values(REPORT_DEFINITIONS)
      .flat()
      .flatMap((text) => jargonIn(text).map((problem) => `${problem} in "${text}"`));
    assert.deepEqual(offending, []);
  });
});
