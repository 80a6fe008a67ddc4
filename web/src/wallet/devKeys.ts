// The dev chain's public accounts, derived in the browser exactly as the CLI's `--dev N` and the node derive them:
// key i = keccak256(utf8(seed + "/" + i)), re-hashed while it is not a valid secp256k1 scalar (PrivateKey.Derive).
// These keys are PUBLIC (the seed is in the README): the picker is offered only on a chain that says it is a dev chain,
// with the seed that chain names (`chain { devAccounts { seed count } }`).
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, checksumAddress, hexToBytes, keccak, utf8 } from '../crypto/hex';

export interface DevKey { index: number; address: string; secret: Uint8Array }

export function deriveDevKey(seed: string, index: number): DevKey {
  let h = keccak(utf8(`${seed}/${index}`));
  while (!secp256k1.utils.isValidSecretKey(h)) h = keccak(h);
  const pub = secp256k1.getPublicKey(h, false);
  return { index, address: checksumAddress(bytesToHex(keccak(pub.slice(1)).slice(12))), secret: h };
}

/** An Ethereum signature (r || s || v, v = 27 + recovery id, low s) of a 32-byte digest. */
export function signDigest(secret: Uint8Array, digest: string): string {
  const sig = secp256k1.sign(hexToBytes(digest), secret, { prehash: false, format: 'recovered', lowS: true });
  const out = new Uint8Array(65);
  out.set(sig.slice(1, 65), 0);
  out[64] = 27 + sig[0];
  return bytesToHex(out);
}
