import { createInterface } from 'node:readline/promises';

/** Asks on the terminal (prompt on stderr, so stdout stays the result); true only for y/yes. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
