// @ts-check
// The real stack for the browser tests and the Lighthouse bench, isolated
// from anything else running on the machine: its own Postgres database, its
// own Redis logical database (claimed with a lock key, flushed at the end),
// its own Blob containers and Table, and a devhost plus channel simulator on
// free ports. The devhost serves dist/web on the same origin as the API, as
// the CDN does, so the pages are tested exactly as they ship.
//
// Plain JavaScript (not TypeScript) so that web/scripts/lighthouse.mjs can
// start the same stack with node alone.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Redis databases 0 (make run), 1 (go test) and 2 (make bench) are taken. */
const REDIS_DBS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const LOCK_KEY = 'eventmkt:e2e:lock';

/**
 * @typedef {{
 *   origin: string, apiBase: string, handler: string, dbName: string, redisDb: number,
 *   logDir: string, env: Record<string,string>, stop: () => Promise<void>
 * }} Stack
 */

function say(/** @type {string} */ msg) {
  process.stderr.write(`[stack] ${msg}\n`);
}

/** @returns {Promise<number>} a port free right now on 127.0.0.1 */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** @param {string} cmd @param {string[]} args @param {import('node:child_process').SpawnSyncOptions} [opts] */
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (run scripts/services.sh browser)`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr || r.stdout}`);
  return String(r.stdout).trim();
}

function pidAlive(/** @type {number} */ pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
  }
}

/** The committed local settings: every value the app reads, as `make run` has them. */
export function localSettings() {
  const file = JSON.parse(readFileSync(join(ROOT, 'local.settings.json.example'), 'utf8'));
  return /** @type {Record<string,string>} */ (file.Values);
}

/** @param {string} pgURL @param {string} db */
function withDatabase(pgURL, db) {
  const u = new URL(pgURL);
  u.pathname = '/' + db;
  return u.toString();
}

/** @param {string} adminURL @param {string} sql */
function psql(adminURL, sql) {
  return run('psql', [adminURL, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql]);
}

/** Drops databases left by earlier runs whose process is gone (killed runs). */
function dropStaleDatabases(/** @type {string} */ adminURL, /** @type {string} */ prefix) {
  const names = psql(adminURL, `SELECT datname FROM pg_database WHERE datname LIKE '${prefix}%'`).split('\n').filter(Boolean);
  for (const name of names) {
    const pid = Number(name.slice(prefix.length).split('_')[0]);
    if (pid && !pidAlive(pid)) {
      say(`dropping ${name} (left by a run that is gone)`);
      psql(adminURL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  }
}

/** @param {URL} u @param {number} db @param {string[]} args */
function redisCli(u, db, args) {
  const cli = ['-h', u.hostname, '-p', u.port || '6379', '-n', String(db)];
  if (u.password) cli.push('--no-auth-warning', '-a', decodeURIComponent(u.password));
  return run('redis-cli', [...cli, ...args]);
}

/**
 * Claims a Redis logical database no one else uses: one that is empty, or
 * whose lock names a process that is gone. The lock key stays in it (the app
 * never reads it) and the database is flushed on release.
 * @param {string} redisURL
 */
function claimRedisDb(redisURL) {
  const u = new URL(redisURL);
  for (const db of REDIS_DBS) {
    const owner = redisCli(u, db, ['GET', LOCK_KEY]);
    if (owner) {
      if (pidAlive(Number(owner))) continue;
      redisCli(u, db, ['FLUSHDB']);
    } else if (redisCli(u, db, ['DBSIZE']) !== '0') {
      continue; // someone's data without our lock: not ours to touch
    }
    if (redisCli(u, db, ['SET', LOCK_KEY, String(process.pid), 'NX', 'EX', '7200']) === 'OK') {
      u.pathname = '/' + db;
      return { db, url: u.toString(), release: () => redisCli(u, db, ['FLUSHDB']) };
    }
  }
  throw new Error(`no free Redis database among ${REDIS_DBS.join(',')} on ${u.host}`);
}

/** @param {string} url @param {number} seconds @param {() => string} logs */
async function waitHealthy(url, seconds, logs) {
  const deadline = Date.now() + seconds * 1000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
      last = `${r.status} ${await r.text()}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not healthy within ${seconds} s: ${last}\n${logs()}`);
}

/** @param {string} file */
function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-40).join('\n');
  } catch {
    return '';
  }
}

/**
 * Starts the stack: builds bin/handler (a no-op when make already did), checks
 * dist/web, creates and migrates a fresh database, claims a Redis database,
 * starts the channel simulator and the devhost on free ports.
 * @param {{ overrides?: Record<string,string>, name?: string }} [opts]
 * @returns {Promise<Stack>}
 */
export async function startStack(opts = {}) {
  const started = Date.now();
  // E2E_HANDLER runs a binary built elsewhere; otherwise bin/handler is
  // brought up to date (a no-op after make build) so a test never runs
  // yesterday's backend.
  const handler = process.env.E2E_HANDLER ? resolve(process.env.E2E_HANDLER) : join(ROOT, 'bin/handler');
  if (!process.env.E2E_HANDLER) {
    run('go', ['build', '-o', handler, '.'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  } else if (!existsSync(handler)) {
    throw new Error(`E2E_HANDLER=${handler} does not exist`);
  }
  if (!existsSync(join(ROOT, 'dist/web/entry.html')) || !existsSync(join(ROOT, 'dist/web/result.html'))) {
    throw new Error('dist/web is not built: run `make web` (or `cd web && npm run build`)');
  }
  const name = opts.name ?? 'e2e';
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const logDir = join(tmpdir(), `eventmkt-${name}-${tag}`);
  mkdirSync(logDir, { recursive: true });

  const base = localSettings();
  const adminURL = process.env.E2E_POSTGRES_URL ?? withDatabase(base.POSTGRES_URL, 'postgres');
  const prefix = `eventmkt_${name}_`;
  dropStaleDatabases(adminURL, prefix);
  const dbName = `${prefix}${tag}`;
  const redis = claimRedisDb(process.env.E2E_REDIS_URL ?? base.REDIS_URL);

  /** @type {import('node:child_process').ChildProcess[]} */
  const procs = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const p of procs) {
      if (p.exitCode === null) p.kill('SIGTERM');
    }
    await Promise.all(
      procs.map(
        (p) =>
          new Promise((res) => {
            if (p.exitCode !== null || p.signalCode !== null) return res(undefined);
            const t = setTimeout(() => {
              p.kill('SIGKILL');
              res(undefined);
            }, 10_000);
            p.once('exit', () => {
              clearTimeout(t);
              res(undefined);
            });
          }),
      ),
    );
    try {
      psql(adminURL, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    } catch (e) {
      say(`could not drop ${dbName}: ${e}`);
    }
    try {
      redis.release();
    } catch (e) {
      say(`could not flush Redis database ${redis.db}: ${e}`);
    }
  };

  try {
    const simPort = await freePort();
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const sim = `127.0.0.1:${simPort}`;
    const short = tag.replace(/_/g, '').toLowerCase();
    /** @type {Record<string,string>} */
    const env = {
      ...base,
      POSTGRES_URL: withDatabase(base.POSTGRES_URL, dbName),
      // Migrations connect directly: the same fresh database.
      POSTGRES_DIRECT_URL: withDatabase(base.POSTGRES_DIRECT_URL ?? base.POSTGRES_URL, dbName),
      POSTGRES_MAX_CONNS: '10',
      REDIS_URL: redis.url,
      PUBLIC_WEB_URL: origin,
      IMAGE_CONTAINER: `${name}-${short}-images`,
      DRAW_PROOF_CONTAINER: `${name}-${short}-proofs`,
      EXPORT_CONTAINER: `${name}-${short}-exports`,
      DISTRIBUTION_ATTEMPT_TABLE: `${name}${short}attempts`,
      WINNER_NOTIFY_TABLE: `${name}${short}notices`,
      // Every request comes from 127.0.0.1: the per-address entry limit
      // would count the whole suite as one client.
      PARTICIPATION_RATE_PER_CLIENT: '0',
      LOG_LEVEL: 'warn',
      ...opts.overrides,
    };
    for (const [k, v] of Object.entries(env)) {
      if ((k.startsWith('CHANNEL_') || k.startsWith('MESSAGING_')) && k.endsWith('_BASE_URL')) env[k] = v.replace('127.0.0.1:7072', sim);
    }
    const procEnv = { ...process.env, ...env };

    say(`database ${dbName}, Redis db ${redis.db}, logs in ${logDir}`);
    run(handler, ['migrate'], { cwd: ROOT, env: procEnv });

    const simLog = join(logDir, 'channel-sim.log');
    procs.push(
      spawn(handler, ['channel-sim', '-addr', sim], {
        cwd: ROOT,
        env: procEnv,
        stdio: ['ignore', openSync(simLog, 'a'), openSync(simLog, 'a')],
      }),
    );
    const hostLog = join(logDir, 'devhost.log');
    procs.push(
      spawn(handler, ['devhost', '-addr', `127.0.0.1:${port}`, '-root', ROOT], {
        cwd: ROOT,
        env: procEnv,
        stdio: ['ignore', openSync(hostLog, 'a'), openSync(hostLog, 'a')],
      }),
    );
    await waitHealthy(`${origin}/api/v1/health`, 60, () => `--- devhost.log\n${tail(hostLog)}\n--- channel-sim.log\n${tail(simLog)}`);
    say(`up on ${origin} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const stack = { origin, apiBase: `${origin}/api/v1`, handler, dbName, redisDb: redis.db, logDir, env, stop };
    writeFileSync(join(logDir, 'stack.json'), JSON.stringify({ origin, dbName, redisDb: redis.db }, null, 2));
    return stack;
  } catch (e) {
    await stop();
    throw e;
  }
}
