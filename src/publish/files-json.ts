// The files.json that Debian's code-signing service reads from a signed-template package
// (usr/share/code-signing/<template>/files.json, read by e.g. debusine's ExtractForSigning): per binary package,
// `trusted_certs` (SHA-256 fingerprints of the certificates the signed code trusts for further code) and `files`,
// each `{sig_type: "efi" | "linux-module", file: <path inside the package>}`. Made from what the image .debs
// really hold: the kernel image (only if it is an EFI application) and the modules that carry no signature yet
// (a kernel built with MODULE_SIG_ALL signs its modules with its own build key, which is why Debian's own template
// names only the image), or every module when asked.
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KdkError, inputError } from '../util/errors.js';
import { type DebFile } from './debs.js';
import { debMembers } from './deb-tar.js';
import { imageInfo } from './efi-image.js';
import { MODULE_SIG_MAGIC } from './module-sig.js';

export type SigType = 'efi' | 'linux-module';

export interface FilesJson {
  packages: Record<string, { trusted_certs: string[]; files: { sig_type: SigType; file: string }[] }>;
}

export interface FilesJsonResult {
  filesJson: FilesJson;
  /** Per package: modules left out because they already carry a signature, and compressed ones kdk cannot sign. */
  skipped: Record<string, { signed: number; compressed: string[] }>;
}

/** The SHA-256 fingerprint (lowercase hex of the DER) of each certificate in the PEM files. */
export function certFingerprints(pemFiles: string[]): string[] {
  return pemFiles.flatMap((f) => {
    const blocks = readFileSync(f, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
    if (!blocks) throw inputError('no PEM certificate in this file', f);
    return blocks.map((b) => createHash('sha256').update(new X509Certificate(b).raw).digest('hex'));
  });
}

const isImagePackage = (d: DebFile) => d.package.startsWith('linux-image-') && !d.package.endsWith('-dbg');
const isKernel = (path: string) => /^boot\/vmlinu[xz]-[^/]+$/.test(path);
const isModule = (path: string) => /^(usr\/)?lib\/modules\/[^/]+\/.*\.ko$/.test(path);
const isCompressedModule = (path: string) => /^(usr\/)?lib\/modules\/[^/]+\/.*\.ko\.(xz|gz|zst)$/.test(path);

export async function signingFilesJson(
  debs: DebFile[],
  opts: { modules: 'unsigned' | 'all'; trustedCerts?: string[] },
): Promise<FilesJsonResult> {
  const images = debs.filter(isImagePackage);
  if (images.length === 0) throw inputError('no linux-image-* .deb among the packages (run kdk build first)');
  const trusted = certFingerprints(opts.trustedCerts ?? []);
  const magic = Buffer.from(MODULE_SIG_MAGIC);
  const filesJson: FilesJson = { packages: {} };
  const skipped: FilesJsonResult['skipped'] = {};
  for (const deb of images) {
    const members = await debMembers(deb.path);
    const kernels = members.filter((m) => isKernel(m.path));
    if (kernels.length === 0) throw inputError(`${deb.package} holds no boot/vmlinuz-*`, deb.path);
    for (const k of kernels) {
      if (!imageInfo(k.head, `${deb.path}:${k.path}`).efi) {
        throw new KdkError(
          `${k.path} in ${deb.package} is no EFI application: a Secure Boot signing service cannot sign it (CONFIG_EFI_STUB)`,
          { file: deb.path, exitCode: 1 },
        );
      }
    }
    const modules = members.filter((m) => isModule(m.path));
    const toSign = modules.filter((m) => opts.modules === 'all' || !m.tail.subarray(-magic.length).equals(magic));
    skipped[deb.package] = {
      signed: modules.length - toSign.length,
      compressed: members.filter((m) => isCompressedModule(m.path)).map((m) => m.path),
    };
    filesJson.packages[deb.package] = {
      trusted_certs: trusted,
      files: [
        ...kernels.map((k) => ({ sig_type: 'efi' as const, file: k.path })),
        ...toSign.map((m) => ({ sig_type: 'linux-module' as const, file: m.path })),
      ],
    };
  }
  return { filesJson, skipped };
}
