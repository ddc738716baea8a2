import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { buildProgram } from '../../../src/cli/program.js';
import { operatorActor } from '../../../src/services/actor.js';
import { jargonIn } from '../../support/plain-language.js';

interface HelpText {
  readonly command: string;
  readonly text: string;
}

/** Every text the CLI's help shows: each command's description, its arguments and options (names included). */
function helpTexts(command: Command, path: string): HelpText[] {
  const texts: HelpText[] = [
    { command: path, text: command.description() },
    ...command.registeredArguments.flatMap((argument) => [
      { command: path, text: argument.name() },
      { command: path, text: argument.description },
    ]),
    ...command.options.flatMap((option) => [
      { command: path, text: option.flags },
      { command: path, text: option.description },
    ]),
  ];
  return [...texts, ...command.commands.flatMap((sub) => helpTexts(sub, `${path} ${sub.name()}`))];
}

describe('CLI help', () => {
  const program = buildProgram({
    actor: operatorActor('operator'),
    core: () => Promise.reject(new Error('help needs no core')),
    out: () => undefined,
    err: () => undefined,
  });
  const texts = helpTexts(program, 'cli');

  it('covers every command, its arguments and options', () => {
    assert.ok(texts.some((t) => t.command === 'cli sync'));
    assert.ok(texts.some((t) => t.command === 'cli users remove-licences' && t.text.startsWith('--sku')));
    assert.ok(texts.length > 100, texts.length.toString());
  });

  it('speaks plainly: no rule number, endpoint path, setting or Graph property name (issue 16)', () => {
    const offending = texts.flatMap(({ command, text }) =>
      // A `--json` option names the fields of the JSON it prints ({ items, nextCursor }): a script reads those.
      jargonIn(text.replace(/\{[^}]*\}/g, '')).map((problem) => `${command}: ${problem} in "${text}"`),
    );
    assert.deepEqual(offending, []);
  });
});
