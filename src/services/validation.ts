import type { z } from 'zod/v4';
import { ValidationError, type FieldProblem } from '../shared/errors.js';

/**
 * Parses service input with a zod schema. Every problem is reported at once, by field, in words an admin
 * understands; nothing has been changed when this throws.
 * @throws {ValidationError}
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems: FieldProblem[] = result.error.issues.map((issue) => ({
    path: issue.path.length === 0 ? '(input)' : issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
  throw new ValidationError(`Invalid input — ${summary}.`, problems);
}
