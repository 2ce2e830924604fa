import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { InfraError } from './infra-error.ts';

const run = promisify(execFile);

/**
 * Resolves a pom's runtime dependency jars from Maven Central into `<cacheDir>/<name>/lib`.
 * Keyed by the pom's hash so a repeat `infra:up` reuses the jars and an edited pom refreshes them.
 */
export async function ensureMavenLib(
  pomFile: string,
  cacheDir: string,
  say: (m: string) => void,
): Promise<string> {
  const pom = fs.readFileSync(pomFile);
  const hash = crypto.createHash('sha256').update(pom).digest('hex').slice(0, 16);
  const name = path.basename(path.dirname(pomFile));
  const libDir = path.join(cacheDir, name, 'lib');
  const marker = path.join(cacheDir, name, `.complete-${hash}`);
  if (fs.existsSync(marker)) return libDir;

  await requireCommand('mvn', 'install Maven: sudo apt-get install -y maven');
  say(`resolving ${name} jars from Maven Central (first run only)…`);
  fs.rmSync(path.join(cacheDir, name), { recursive: true, force: true });
  fs.mkdirSync(libDir, { recursive: true });
  try {
    await run(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        pomFile,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${libDir}`,
        '-DincludeScope=runtime',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new InfraError(
      'MAVEN_RESOLVE_FAILED',
      `could not resolve ${name} jars from Maven Central`,
      'check network access to Maven Central and ~/.m2/settings.xml, then run infra:up again',
      `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n') || e.message,
    );
  }
  fs.writeFileSync(marker, new Date().toISOString());
  return libDir;
}

export async function requireCommand(command: string, hint: string): Promise<void> {
  try {
    await run('sh', ['-c', `command -v ${command}`]);
  } catch {
    throw new InfraError('MISSING_COMMAND', `'${command}' is not installed`, hint);
  }
}

/** Java 17+ is what Kafka 3.9 and Cassandra 5.0 both run on. */
export async function requireJava17(): Promise<string> {
  await requireCommand('java', 'install a JDK 17: sudo apt-get install -y openjdk-17-jdk-headless');
  const { stderr } = await run('java', ['-version']);
  const match = /version "(\d+)/.exec(stderr);
  const major = match ? Number(match[1]) : 0;
  if (major < 17) {
    throw new InfraError(
      'JAVA_TOO_OLD',
      `java ${major || '?'} found, Kafka and Cassandra here need Java 17`,
      'install openjdk-17-jdk-headless and put it first on PATH (or set JAVA_HOME)',
    );
  }
  return 'java';
}

/** What a JVM service needs before it can start: a Java 17 and its jars from the pom. */
export async function javaAndJars(
  pomFile: string,
  cacheDir: string,
  say: (m: string) => void,
): Promise<{ java: string; libDir: string }> {
  const java = await requireJava17();
  const libDir = await ensureMavenLib(pomFile, cacheDir, say);
  return { java, libDir };
}

/**
 * Downloads one Maven Central archive (`group:artifact:version:type:classifier`) with the
 * dependency plugin and unpacks it into `<cacheDir>/<name>`, once: a `.complete` marker makes the
 * next call free, and a half-finished unpack (interrupted download, full disk) is redone.
 */
export async function ensureMavenArchive(
  coordinates: string,
  cacheDir: string,
  name: string,
  say: (m: string) => void,
): Promise<string> {
  const dir = path.join(cacheDir, name);
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker)) return dir;

  await requireCommand('mvn', 'install Maven: sudo apt-get install -y maven');
  await requireCommand('tar', 'install tar: sudo apt-get install -y tar');
  say(`downloading ${coordinates} from Maven Central (first run only)…`);
  const download = `${dir}.download`;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(download, { recursive: true, force: true });
  fs.mkdirSync(download, { recursive: true });
  fs.mkdirSync(dir, { recursive: true });
  try {
    await run(
      'mvn',
      ['-B', '-q', 'dependency:copy', `-Dartifact=${coordinates}`, `-DoutputDirectory=${download}`],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const [archive] = fs.readdirSync(download);
    if (!archive) throw new Error(`mvn dependency:copy left nothing in ${download}`);
    await run('tar', ['-xzf', path.join(download, archive), '-C', dir]);
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new InfraError(
      'MAVEN_RESOLVE_FAILED',
      `could not download or unpack ${coordinates}`,
      'check network access to Maven Central, ~/.m2/settings.xml and free disk space, then run infra:up again',
      `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n') || e.message,
    );
  } finally {
    fs.rmSync(download, { recursive: true, force: true });
  }
  fs.writeFileSync(marker, new Date().toISOString());
  return dir;
}
