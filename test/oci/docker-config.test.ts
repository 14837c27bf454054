import * as fs from 'node:fs';
import * as path from 'node:path';
import { DockerCredentials, dockerConfigPath } from '../../src/oci/docker-config';
import { tempDir } from '../helpers/cli';

function configFile(content: unknown): string {
  const file = path.join(tempDir('docker-config-'), 'config.json');
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('Docker config credentials', () => {
  it('reads auths[host].auth as base64 user:password, a password with colons intact', () => {
    const creds = new DockerCredentials(configFile({ auths: { 'registry.example.com': { auth: b64('ci:pa:ss') } } }));
    expect(creds.lookup('registry.example.com')).toEqual({ username: 'ci', password: 'pa:ss' });
    expect(creds.lookup('other.example.com')).toBeUndefined();
  });

  it('matches keys written with a scheme and path, and username/password fields', () => {
    const creds = new DockerCredentials(configFile({ auths: { 'https://localhost:5000/v2/': { username: 'u', password: 'p' } } }));
    expect(creds.lookup('localhost:5000')).toEqual({ username: 'u', password: 'p' });
  });

  it('finds Docker Hub under the key docker login writes for it', () => {
    const creds = new DockerCredentials(configFile({ auths: { 'https://index.docker.io/v1/': { auth: b64('hub:tok') } } }));
    expect(creds.lookup('docker.io')).toEqual({ username: 'hub', password: 'tok' });
  });

  it('uses $DOCKER_CONFIG, else ~/.docker', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/etc/ci-docker' })).toBe('/etc/ci-docker/config.json');
    expect(dockerConfigPath({})).toMatch(/\.docker\/config\.json$/);
  });

  it('treats a missing file as anonymous access', () => {
    expect(new DockerCredentials(path.join(tempDir(), 'none.json')).lookup('registry.example.com')).toBeUndefined();
  });

  it('refuses a broken file naming it and the field', () => {
    const bad = configFile('{"auths": ');
    expect(() => new DockerCredentials(bad)).toThrow(`${bad}: not valid JSON`);
    const notB64 = configFile({ auths: { 'r.example.com': { auth: b64('no-colon') } } });
    expect(() => new DockerCredentials(notB64).lookup('r.example.com')).toThrow(`${notB64}: auths["r.example.com"].auth: must be base64 of user:password`);
    expect(() => new DockerCredentials(configFile({ auths: [] }))).toThrow('auths: must be an object');
  });

  it('runs the credential helper named in credHelpers', () => {
    const bin = tempDir('helper-bin-');
    fs.writeFileSync(path.join(bin, 'docker-credential-teststore'),
      '#!/bin/sh\nread server\n[ "$1" = get ] && [ "$server" = "registry.example.com" ] && echo \'{"Username":"robot","Secret":"s3cret"}\' && exit 0\necho "credentials not found" >&2; exit 1\n',
      { mode: 0o755 });
    const oldPath = process.env.PATH;
    process.env.PATH = `${bin}:${oldPath}`;
    try {
      const creds = new DockerCredentials(configFile({ credHelpers: { 'registry.example.com': 'teststore' }, credsStore: 'teststore' }));
      expect(creds.lookup('registry.example.com')).toEqual({ username: 'robot', password: 's3cret' });
      expect(creds.lookup('unknown.example.com')).toBeUndefined();
    } finally {
      process.env.PATH = oldPath;
    }
  });
});
