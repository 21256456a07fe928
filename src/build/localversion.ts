// The LOCALVERSION a build of a flavour gets by default, so the store can name the kernel a flavour defines
// (`6.1.176-kdk-kasan-minimal-lockdep-syzbot`) before it is built, as the build's own record will.

/** `-kdk` and the profiles (`kasan+syzbot` → `-kdk-kasan-syzbot`); `-kdk` for a plain .config. */
export const defaultLocalversion = (profile: string) => `-kdk${profile ? '-' + profile.replace(/\+/g, '-') : ''}`;
