import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../config/env.ts';
import type { Logger } from '../log.ts';

/**
 * What a first start with nothing configured (but where Redis is) still needs, made once and
 * kept in LITWATCH_VAR (default `var/`), readable by its owner only (0600), so every later
 * start, and every CLI command, uses the same values:
 * - LITWATCH_SECRET unset: a random secret signs the links in emails; links made before a
 *   restart keep working. Production should set its own (and back it up with the data).
 * - DASHBOARD_PASSWORD unset: a random password for /admin, user DASHBOARD_USER or `admin`.
 *   /admin is never served without credentials.
 * The environment always wins; what is generated is only read when it is unset.
 */
export const SECRET_FILE = 'litwatch-secret';
export const PASSWORD_FILE = 'dashboard-password';
export const DEFAULT_DASHBOARD_USER = 'admin';

export interface Generated {
  /** Files made by this process (first start), to tell the reader once. */
  created: string[];
  /** Files read or made, by what they hold. */
  secretFile?: string;
  passwordFile?: string;
}

export function withGeneratedDefaults(env: Env, log: Logger): { env: Env; generated: Generated } {
  const generated: Generated = { created: [] };
  const filled: { -readonly [K in keyof Env]?: Env[K] } = {};
  if (!env.LITWATCH_SECRET) {
    const file = path.join(env.LITWATCH_VAR, SECRET_FILE);
    filled.LITWATCH_SECRET = keptValue(file, () => randomBytes(32).toString('hex'), 32, generated);
    generated.secretFile = file;
    if (generated.created.includes(file)) {
      log.warn(
        { event: 'first_start.secret_generated', file },
        `LITWATCH_SECRET is not set: generated one in ${file} (mode 0600), used from now on; in production set LITWATCH_SECRET yourself (openssl rand -hex 32)`,
      );
    }
  }
  if (!env.DASHBOARD_PASSWORD) {
    const file = path.join(env.LITWATCH_VAR, PASSWORD_FILE);
    filled.DASHBOARD_PASSWORD = keptValue(file, () => randomBytes(18).toString('base64url'), 12, generated);
    filled.DASHBOARD_USER = env.DASHBOARD_USER ?? DEFAULT_DASHBOARD_USER;
    generated.passwordFile = file;
    if (generated.created.includes(file)) {
      log.warn(
        { event: 'first_start.dashboard_password_generated', file, user: filled.DASHBOARD_USER },
        `DASHBOARD_PASSWORD is not set: the dashboard at ${env.LITWATCH_PUBLIC_URL}/admin takes user "${filled.DASHBOARD_USER}" and the password generated in ${file} (mode 0600)`,
      );
    }
  }
  return { env: Object.freeze({ ...env, ...filled }), generated };
}

/** The value kept in `file`, made and written (0600) when there is none (or one too short to use). */
function keptValue(file: string, make: () => string, minLength: number, generated: Generated): string {
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= minLength) {
      tightenMode(file);
      return kept;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`cannot read ${file}: ${(err as Error).message} (fix its permissions, or set the variable in the environment)`);
  }
  const value = make();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // `wx`: two processes starting at once cannot both write; the loser reads the winner's.
  try {
    writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw new Error(`cannot write ${file}: ${(err as Error).message} (make ${path.dirname(file)} writable, or set the variable in the environment)`);
  }
  generated.created.push(file);
  return value;
}

/** A kept secret readable by others (copied with a loose umask) is put back to 0600. */
function tightenMode(file: string): void {
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
}
