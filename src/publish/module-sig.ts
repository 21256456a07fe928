// The signature a kernel module carries: PKCS#7 bytes, then struct module_signature (12 bytes, sig_len big-endian
// in its last 4), then the magic "~Module signature appended~\n" (include/linux/module_signature.h).
import { readFileSync } from 'node:fs';

export const MODULE_SIG_MAGIC = '~Module signature appended~\n';
const INFO = 12;

export interface ModuleSignature {
  /** The module without its signature (what the signature covers). */
  content: Buffer;
  /** The DER PKCS#7 signature. */
  pkcs7: Buffer;
}

export function splitModuleSignature(bytes: Buffer): ModuleSignature | undefined {
  const magic = Buffer.from(MODULE_SIG_MAGIC);
  if (bytes.length < magic.length + INFO || !bytes.subarray(bytes.length - magic.length).equals(magic))
    return undefined;
  const infoAt = bytes.length - magic.length - INFO;
  const sigLen = bytes.readUInt32BE(infoAt + 8);
  const sigAt = infoAt - sigLen;
  if (sigAt < 0) return undefined;
  return { content: bytes.subarray(0, sigAt), pkcs7: bytes.subarray(sigAt, infoAt) };
}

/** The module's bytes without any appended signature. */
export function unsignedModule(path: string): Buffer {
  const bytes = readFileSync(path);
  return splitModuleSignature(bytes)?.content ?? bytes;
}
