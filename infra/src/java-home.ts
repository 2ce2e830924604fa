import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { InfraError } from './infra-error.ts';

const run = promisify(execFile);
const JVM_DIR = '/usr/lib/jvm';

/** Major version of a java binary (`java -version` prints to stderr), or 0 when it does not run. */
async function javaMajor(java: string): Promise<number> {
  try {
    const { stderr } = await run(java, ['-version']);
    const m = /version "(\d+)/.exec(stderr);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * A java binary of at least `minMajor`, looked for where a newer JDK sits beside the system one:
 * the explicit `<preferredVar>` home, JAVA_HOME, `java` on PATH, then every JDK under /usr/lib/jvm
 * (newest first). Debian 12's default java is 17, so a service needing 21 must not just run `java`.
 */
export async function findJava(
  minMajor: number,
  preferredVar: string,
  alternative = '',
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const homes = [env[preferredVar], env.JAVA_HOME].filter((h): h is string => Boolean(h));
  const candidates = [...homes.map((h) => path.join(h, 'bin', 'java')), 'java'];
  try {
    const jdks = fs
      .readdirSync(JVM_DIR)
      .map((d) => path.join(JVM_DIR, d, 'bin', 'java'))
      .filter((j) => fs.existsSync(j));
    candidates.push(...jdks);
  } catch {
    // No /usr/lib/jvm (not Debian-like): the explicit homes and PATH are all there is.
  }
  const found: string[] = [];
  let best: { java: string; major: number } | undefined;
  for (const [i, java] of candidates.entries()) {
    const major = await javaMajor(java);
    if (major) found.push(`${java} (${major})`);
    // An explicitly named home wins even over a newer JDK elsewhere: the user chose it.
    if (major >= minMajor && i < homes.length) return java;
    if (major >= minMajor && (!best || major > best.major)) best = { java, major };
  }
  if (best) return best.java;
  throw new InfraError(
    'JAVA_TOO_OLD',
    `no Java ${minMajor}+ found (${found.join(', ') || 'no java at all'})`,
    `install a JDK ${minMajor} or newer (Debian 12 ships only 17: take Eclipse Temurin from packages.adoptium.net, ` +
      `e.g. temurin-${minMajor}-jdk) and set ${preferredVar} to its home${alternative}`,
  );
}
