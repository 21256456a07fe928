// Compiles spread over machines with Debian's distcc, ccache in front: ccache answers what it has seen, and
// hands the rest to distcc through CCACHE_PREFIX, which sends each compile to a host of DISTCC_HOSTS (a
// `kdk worker --distccd` or any distccd). Preprocessing and linking stay here, so the hosts need only gcc.
import { inputError } from '../util/errors.js';

export const DISTCC_PACKAGES = ['distcc', 'ccache'];

/** DISTCC_HOSTS as distcc(1) reads it: HOST[:PORT][/LIMIT] words, space separated ('localhost' stays local). */
export function checkDistccHosts(hosts: string): string {
  const words = hosts.split(/[\s,]+/).filter(Boolean);
  const word = /^(?:@?[A-Za-z0-9._-]+|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?(?:\/\d{1,4})?(?:,[a-z]+)*$/;
  if (words.length === 0 || !words.every((w) => word.test(w)))
    throw inputError(`--distcc: expected hosts like 'build1/8 build2:3632/4', got '${hosts}'`);
  return words.join(' ');
}

/** The environment that makes `ccache gcc` compile through distcc on `hosts`. */
export function distccEnv(hosts: string): NodeJS.ProcessEnv {
  return { CCACHE_PREFIX: 'distcc', DISTCC_HOSTS: checkDistccHosts(hosts), DISTCC_SKIP_LOCAL_RETRY: '1' };
}
