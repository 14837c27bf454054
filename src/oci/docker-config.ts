import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../core/errors';

/** A user name and password (or token) for one registry. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`, as the docker CLI looks. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'config.json');
}

/** `https://host/v1/` and `host` both name `host`: docker login has written both over the years. */
function hostOf(key: string): string {
  return key.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
}

const HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];

/**
 * Credentials from the Docker config file: `auths` entries (base64
 * `user:password` in `auth`, or `username`/`password`), and the credential
 * helpers it names (`credHelpers`, `credsStore`), run as `docker-credential-<x> get`.
 * A missing file means anonymous access; a broken one is refused naming it.
 */
export class DockerCredentials {
  private readonly config: DockerConfigFile;

  /** `env` is the environment credential helpers run with (and are found on the PATH of). */
  constructor(readonly file: string = dockerConfigPath(), private readonly env: NodeJS.ProcessEnv = process.env) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.config = {};
        return;
      }
      throw new InputError(`${file}: cannot read the Docker config: ${(e as Error).message}`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new InputError(`${file}: not valid JSON: ${(e as Error).message}`);
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new InputError(`${file}: (top level): must be a JSON object`);
    const config = data as DockerConfigFile;
    for (const key of ['auths', 'credHelpers'] as const) {
      const v = config[key];
      if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v))) throw new InputError(`${file}: ${key}: must be an object`);
    }
    this.config = config;
  }

  /** Credentials for a registry (its name as in the image reference), or undefined for anonymous. */
  lookup(registry: string): Credentials | undefined {
    const keys = registry === 'docker.io' ? HUB_KEYS : [registry];
    const helper = keys.map((k) => this.config.credHelpers?.[k]).find((h) => h) ?? this.config.credsStore;
    for (const [key, entry] of Object.entries(this.config.auths ?? {})) {
      if (keys.includes(key) || keys.includes(hostOf(key))) {
        const found = this.fromEntry(key, entry);
        if (found) return found;
      }
    }
    return helper ? this.fromHelper(helper, registry === 'docker.io' ? HUB_KEYS[0] : registry) : undefined;
  }

  private fromEntry(key: string, entry: AuthEntry): Credentials | undefined {
    const at = `${this.file}: auths["${key}"]`;
    if (entry === null || typeof entry !== 'object') throw new InputError(`${at}: must be an object`);
    if (typeof entry.auth === 'string' && entry.auth !== '') {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) throw new InputError(`${at}.auth: must be base64 of user:password`);
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (typeof entry.username === 'string' && typeof entry.password === 'string') {
      return { username: entry.username, password: entry.password };
    }
    if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') {
      // An identity token is an OAuth2 refresh token; the Distribution token flow accepts it as the password of `<token>`.
      return { username: '<token>', password: entry.identitytoken };
    }
    return undefined;
  }

  private fromHelper(helper: string, server: string): Credentials | undefined {
    const program = `docker-credential-${helper}`;
    const r = spawnSync(program, ['get'], { input: server, encoding: 'utf8', timeout: 30000, env: this.env });
    if (r.error) throw new InputError(`${this.file}: credential helper ${program}: ${r.error.message}`);
    // Helpers say "credentials not found in native keychain" with exit 1 for an unknown server.
    if (r.status !== 0) return undefined;
    try {
      const out = JSON.parse(r.stdout) as { Username?: unknown; Secret?: unknown };
      if (typeof out.Username === 'string' && typeof out.Secret === 'string') return { username: out.Username, password: out.Secret };
    } catch {
      // fall through to the error below
    }
    throw new InputError(`${this.file}: credential helper ${program} printed no {"Username", "Secret"} for ${server}`);
  }
}
