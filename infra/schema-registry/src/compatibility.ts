import type { AvroType } from './avro-type.ts';
import type { CompatibilityLevel } from './compatibility-level.ts';

export interface PreviousVersion {
  version: number;
  type: AvroType;
}

/**
 * Returns why `candidate` may not join a subject whose live versions are `previous` (oldest
 * first); an empty list means it may.
 *
 * BACKWARD: consumers on the new schema can read data written with the old one, i.e. the new type
 * can resolve the old as writer. FORWARD is the reverse, FULL both. Non-transitive levels compare
 * with the latest version only, as Confluent does, so a chain of individually compatible steps can
 * still drift; the *_TRANSITIVE levels compare with every live version.
 */
export function compatibilityProblems(
  level: CompatibilityLevel,
  candidate: AvroType,
  previous: readonly PreviousVersion[],
): string[] {
  if (level === 'NONE' || previous.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? previous : previous.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const problems: string[] = [];
  for (const old of against) {
    if (backward) {
      const why = cannotRead(candidate, old.type);
      if (why)
        problems.push(`new schema cannot read data written with version ${old.version} (${level}): ${why}`);
    }
    if (forward) {
      const why = cannotRead(old.type, candidate);
      if (why)
        problems.push(
          `version ${old.version} cannot read data written with the new schema (${level}): ${why}`,
        );
    }
  }
  return problems;
}

/** avsc throws while building a resolver exactly when Avro schema resolution would fail. */
function cannotRead(reader: AvroType, writer: AvroType): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
