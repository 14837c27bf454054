/** `sha256:` and the first 12 hex digits, as git abbreviates: enough to tell versions apart on a terminal. */
export function abbreviateDigest(digest: string): string {
  return digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]{52}$/, '$1');
}

/** Every full sha256 digest in a text, abbreviated. */
export function abbreviateDigests(text: string): string {
  return text.replace(/sha256:([0-9a-f]{12})[0-9a-f]{52}/g, 'sha256:$1');
}
