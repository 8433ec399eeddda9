import crypto from 'node:crypto';
import readline from 'node:readline';

/** A password for scripts that asked for one: 120 random bits, 20 characters. */
export const generatePassword = () => crypto.randomBytes(15).toString('base64url');

/** Reads all of stdin (for --password-stdin); the trailing newline is not part of the password. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks on the terminal without echoing what is typed. */
export function askHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const echo = rl as unknown as { _writeToOutput: (s: string) => void };
    let asked = false;
    echo._writeToOutput = (s: string) => {
      if (!asked) {
        process.stderr.write(s);
        asked = true;
      }
    };
    rl.question(question, (answer) => {
      process.stderr.write('\n');
      rl.close();
      resolve(answer);
    });
    rl.on('SIGINT', () => {
      rl.close();
      reject(new Error('cancelled'));
    });
  });
}
