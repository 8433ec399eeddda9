import os from 'node:os';
import type { Actor } from '../auth/auth.types.ts';

/** The audit log's "who" for shell commands: whoever runs them on the server. */
export function cliActor(): Actor {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (some containers)
  }
  return { userId: null, label: `cli (${user})`, address: null };
}
