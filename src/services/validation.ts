import { z } from 'zod/v4';
import { ValidationError, type FieldProblem } from '../shared/errors.js';

/**
 * Parses service input with a zod schema. Every problem is reported at once, by field, in words an admin
 * understands; nothing has been changed when this throws. A NUL character in any text is refused here, for every
 * service at once: PostgreSQL cannot store it (a query holding one fails), and no name, filter or id contains one.
 * @throws {ValidationError}
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const nul = nulProblems(input);
  if (nul.length > 0) throw invalid(nul);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalid(
    result.error.issues.map((issue) => ({
      path: issue.path.length === 0 ? '(input)' : issue.path.map(String).join('.'),
      message: issue.message,
    })),
  );
}

/**
 * A yes/no filter as a query string or a CLI option gives it: `true`, `false`, `yes`, `no` (or a JSON boolean). Anything
 * else is refused, saying what is accepted.
 */
export const optionalBoolean = z
  .union([z.boolean(), z.enum(['true', 'false', 'yes', 'no'])], { error: 'must be true, false, yes or no' })
  .transform((value) => value === true || value === 'true' || value === 'yes')
  .optional();

function invalid(problems: readonly FieldProblem[]): ValidationError {
  const summary = problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
  return new ValidationError(`Invalid input — ${summary}.`, problems);
}

/** Where the input holds a NUL character (keys or values, any depth — walked without recursion, bounded). */
function nulProblems(input: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const pending: { value: unknown; path: string }[] = [{ value: input, path: '(input)' }];
  for (let visited = 0; pending.length > 0 && visited < 10_000 && problems.length < 10; visited++) {
    const { value, path } = pending.pop() ?? { value: undefined, path: '' };
    if (typeof value === 'string') {
      if (value.includes('\u0000')) {
        problems.push({ path, message: 'must not contain a NUL character (\\u0000)' });
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        const childPath = path === '(input)' ? key : `${path}.${key}`;
        if (key.includes('\u0000')) {
          problems.push({ path: childPath, message: 'must not contain a NUL character (\\u0000)' });
        }
        pending.push({ value: child, path: childPath });
      }
    }
  }
  return problems;
}
