import { spawnSync } from 'node:child_process';
import { StackError } from './errors';

const INSTALL_JAVA =
  'Install a Java 17 JDK (Debian/Ubuntu: `sudo apt-get install openjdk-17-jdk-headless`; ' +
  'macOS: `brew install openjdk@17`) and make sure `java` and `javac` are on PATH.';

/** Kafka 3.9 and Apicurio 3.0 both run on Java 17; the helper tool needs javac as well. */
export function checkJava(): void {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) {
    throw new StackError(
      `Java was not found. The local stack runs Kafka on the JVM. ${INSTALL_JAVA}`,
    );
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(java.stderr);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : 0;
  if (major < 17) {
    throw new StackError(
      `Java ${major || '(unknown version)'} was found, 17 or newer is needed. ${INSTALL_JAVA}`,
    );
  }
  const javac = spawnSync('javac', ['-version'], { encoding: 'utf8' });
  if (javac.error || javac.status !== 0) {
    throw new StackError(`javac was not found: a JDK is needed, not only a JRE. ${INSTALL_JAVA}`);
  }
}

export function checkMaven(): void {
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error || mvn.status !== 0) {
    throw new StackError(
      'Maven was not found. It downloads Kafka and the schema registry from Maven Central on the ' +
        'first run (later runs use ~/.cache/streamplane offline). Install it ' +
        '(Debian/Ubuntu: `sudo apt-get install maven`; macOS: `brew install maven`) and retry.',
    );
  }
}
