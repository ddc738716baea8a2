import assert from 'node:assert/strict';
import { GraphHttpError } from '../../../sim/graph/errors.js';
import {
  checkFilter,
  dateBounds,
  evaluateFilter,
  parseFilter,
  parseQuery,
  type FilterRules,
} from '../../../sim/graph/odata-query.js';

const RULES: FilterRules = {
  userType: { operators: ['eq', 'in'], advanced: ['ne', 'not'] },
  displayName: { operators: ['eq', 'startsWith'], advanced: ['endsWith'] },
  createdDateTime: { operators: ['ge', 'le'] },
  resourceProvisioningOptions: { operators: ['any'] },
};

const record: Record<string, unknown> = {
  userType: 'Member',
  displayName: "Ann O'Neil",
  createdDateTime: '2025-03-01T10:00:00Z',
  resourceProvisioningOptions: ['Team'],
  'status/errorCode': 0,
};
const read = (path: string): unknown => record[path];

describe('OData query options', () => {
  it('evaluates comparisons, in, functions, lambdas and boolean logic like Graph', () => {
    const cases: [string, boolean][] = [
      ["userType eq 'member'", true],
      ["userType in ('Guest', 'Member')", true],
      ["startsWith(displayName,'ann')", true],
      ["displayName eq 'Ann O''Neil'", true],
      ['createdDateTime ge 2025-01-01T00:00:00Z and createdDateTime le 2025-12-31T00:00:00Z', true],
      ["resourceProvisioningOptions/Any(x:x eq 'Team')", true],
      ["not(userType eq 'Member') or userType eq 'Guest'", false],
      ['status/errorCode eq 0', true],
    ];
    for (const [filter, expected] of cases)
      assert.equal(evaluateFilter(parseFilter(filter), read), expected, filter);
  });

  it('rejects malformed filters with 400', () => {
    for (const filter of ["userType eq 'x", 'userType eq', 'userType foo 1', '(userType eq 1']) {
      assert.throws(
        () => parseFilter(filter),
        (e) => e instanceof GraphHttpError && e.status === 400,
        filter,
      );
    }
  });

  it('allows advanced operators only with the advanced-query switch, and no unknown properties', () => {
    const check = (filter: string, advancedQuery: boolean): void => {
      checkFilter(parseFilter(filter), { rules: RULES, advancedQuery, resource: 'User' });
    };
    check("userType eq 'Guest'", false);
    assert.throws(
      () => {
        check("userType ne 'Guest'", false);
      },
      (e) =>
        e instanceof GraphHttpError &&
        e.code === 'Request_UnsupportedQuery' &&
        e.message.includes('ConsistencyLevel'),
    );
    check("userType ne 'Guest'", true);
    assert.throws(() => {
      check("endsWith(displayName,'x')", false);
    }, GraphHttpError);
    assert.throws(
      () => {
        check("city eq 'Paris'", true);
      },
      (e) => e instanceof GraphHttpError && e.code === 'Request_UnsupportedQuery',
    );
    assert.throws(() => {
      check('createdDateTime gt 2025-01-01T00:00:00Z', true);
    }, GraphHttpError);
  });

  it('extracts date bounds from a conjunction', () => {
    assert.deepEqual(
      dateBounds(
        parseFilter('createdDateTime ge 2025-01-01T00:00:00Z and createdDateTime lt 2025-01-02T00:00:00Z'),
        'createdDateTime',
      ),
      {
        fromMs: Date.parse('2025-01-01T00:00:00Z'),
        toMs: Date.parse('2025-01-02T00:00:00Z'),
      },
    );
    assert.deepEqual(
      dateBounds(
        parseFilter("createdDateTime ge 2025-01-01T00:00:00Z or userType eq 'x'"),
        'createdDateTime',
      ),
      {},
    );
  });

  it('parses system options case-insensitively and rejects unknown or repeated ones', () => {
    const query = parseQuery(new URLSearchParams('$Select=id,displayName&$TOP=5&$count=true&custom=1'));
    assert.deepEqual(query.select, ['id', 'displayName']);
    assert.equal(query.top, 5);
    assert.equal(query.count, true);
    assert.throws(() => parseQuery(new URLSearchParams('$bogus=1')), GraphHttpError);
    assert.throws(() => parseQuery(new URLSearchParams('$top=1&$top=2')), GraphHttpError);
    assert.throws(() => parseQuery(new URLSearchParams('$top=ten')), GraphHttpError);
  });
});
