// The deb822 sources entry for a published suite, with the archive key inline in Signed-By (apt >= 2.3.10 reads
// an embedded key), so the entry alone is everything a machine needs: no keyring file to install beside it.
export function sourcesEntry(o: { uri: string; suite: string; component: string; publicKeyArmored: string }): string {
  // deb822 continuation lines start with a space; an empty line inside a field is written " .".
  const key = o.publicKeyArmored
    .trim()
    .split('\n')
    .map((l) => (l.trim() === '' ? ' .' : ` ${l}`));
  return [
    'Types: deb',
    `URIs: ${o.uri}`,
    `Suites: ${o.suite}`,
    `Components: ${o.component}`,
    'Signed-By:',
    ...key,
    '',
  ].join('\n');
}
