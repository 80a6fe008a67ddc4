// EIP-712 hashing of the typed data the API returns, done here so the dev wallet signs a digest it computed itself
// from what the page shows (and refuses when the node's `hash` differs), as a real wallet would.
import { bytesToHex, concatBytes, hexToBytes, keccak, utf8 } from './hex';

type Field = { name: string; type: string };
type Types = Record<string, Field[]>;
export interface TypedData { domain: Record<string, unknown>; types: Types; primaryType: string; message: Record<string, unknown> }

function dependencies(types: Types, type: string, found: Set<string>): Set<string> {
  const base = type.replace(/\[\d*\]$/, '');
  if (found.has(base) || !types[base]) return found;
  found.add(base);
  for (const f of types[base]) dependencies(types, f.type, found);
  return found;
}

function encodeType(types: Types, primary: string): string {
  const deps = [...dependencies(types, primary, new Set())].filter((t) => t !== primary).sort();
  return [primary, ...deps].map((t) => `${t}(${types[t].map((f) => `${f.type} ${f.name}`).join(',')})`).join('');
}

const typeHash = (types: Types, primary: string) => keccak(utf8(encodeType(types, primary)));

function word(value: bigint): Uint8Array {
  const v = value < 0n ? (1n << 256n) + value : value;
  if (v < 0n || v >= 1n << 256n) throw new Error('integer out of range');
  return hexToBytes(v.toString(16).padStart(64, '0'));
}

function encodeValue(types: Types, type: string, value: unknown): Uint8Array {
  if (types[type]) return hashStruct(types, type, value as Record<string, unknown>);
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array) {
    const items = value as unknown[];
    return keccak(concatBytes(...items.map((v) => encodeValue(types, array[1], v))));
  }
  if (type === 'string') return keccak(utf8(String(value)));
  if (type === 'bytes') return keccak(hexToBytes(String(value)));
  if (type === 'bool') return word(value === true || value === 'true' ? 1n : 0n);
  if (type === 'address') return word(BigInt(String(value)));
  if (/^u?int\d*$/.test(type)) return word(BigInt(String(value)));
  const fixed = /^bytes(\d+)$/.exec(type);
  if (fixed) {
    const bytes = hexToBytes(String(value));
    const out = new Uint8Array(32);
    out.set(bytes.slice(0, Number(fixed[1])));
    return out;
  }
  throw new Error(`unsupported EIP-712 type ${type}`);
}

function hashStruct(types: Types, type: string, data: Record<string, unknown>): Uint8Array {
  return keccak(concatBytes(typeHash(types, type), ...types[type].map((f) => encodeValue(types, f.type, data[f.name]))));
}

/** The digest an EIP-712 signer signs: keccak256(0x1901 || domainSeparator || hashStruct(message)). */
export function typedDataHash(td: TypedData): string {
  const domainType = td.types.EIP712Domain;
  if (!domainType) throw new Error('typed data without EIP712Domain');
  const domain = hashStruct(td.types, 'EIP712Domain', td.domain);
  const message = hashStruct(td.types, td.primaryType, td.message);
  return bytesToHex(keccak(concatBytes(Uint8Array.of(0x19, 0x01), domain, message)));
}
