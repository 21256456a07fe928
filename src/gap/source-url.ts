// Where the kernel CVE team publishes its records (the default for `kdk gap update`).
export const VULNS_GIT_URL = 'https://git.kernel.org/pub/scm/linux/security/vulns.git';
