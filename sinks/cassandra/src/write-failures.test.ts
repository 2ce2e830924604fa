import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { toCassandraError } from './cassandra-errors.ts';
import { classifyCassandraWrite } from './write-failures.ts';

const invalid = (message: string) =>
  toCassandraError(
    new cassandra.errors.ResponseError(cassandra.types.responseErrorCodes.invalid, message),
    'write transaction_by_id',
  );

describe('classifyCassandraWrite', () => {
  it('a key over 64 KiB or a value the driver cannot encode is poison', () => {
    const poison = { kind: 'poison', code: 'CASSANDRA_DATA_REJECTED' };
    expect(classifyCassandraWrite(invalid('Key length of 70000 is longer than maximum of 65535'))).toEqual(
      poison,
    );
    expect(classifyCassandraWrite(toCassandraError(new TypeError('Not a valid bigint'), 'write'))).toEqual(
      poison,
    );
  });

  it('an unknown column is a bug; no host is retriable', () => {
    expect(classifyCassandraWrite(invalid('Undefined column name foo'))).toEqual({ kind: 'bug' });
    const noHost = toCassandraError(new cassandra.errors.NoHostAvailableError({}), 'write');
    expect(classifyCassandraWrite(noHost)).toEqual({ kind: 'retriable' });
  });
});
