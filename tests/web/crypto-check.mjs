// The web app's own crypto (web/src/crypto, web/src/wallet/devKeys.ts: what the browser runs) against ethers 6, an
// independent implementation: EIP-712 digests of typed data using every type the node's intents use (and nested
// structs and arrays), the dev keys' addresses for the public seed, and signatures that recover to the signer. The app's
// TypeScript is bundled here with the app's own pinned esbuild (web/node_modules), not copied.
//
// stdin:  { "seed": "openledger dev seed", "count": 10, "typedData": ["<json from the node's typedData>", ...] }
// stdout: { eip712: [{ name, app, ethers }], devKeys: [{ index, app, ethers }], signatures: [{ index, recovered, expected }] }
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TypedDataEncoder, Wallet, keccak256, toUtf8Bytes, recoverAddress } from 'ethers';

const here = dirname(fileURLToPath(import.meta.url));
const web = join(here, '..', '..', 'web');
const { build } = createRequire(join(web, 'package.json'))('esbuild');

async function readStdinJson() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const input = await readStdinJson();
const bundled = await build({
  stdin: {
    contents: `export { typedDataHash } from './src/crypto/eip712'; export { deriveDevKey, signDigest } from './src/wallet/devKeys';
               export { merkleRoot } from './src/crypto/merkle';`,
    resolveDir: web, loader: 'ts',
  },
  bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'silent',
});
const app = await import('data:text/javascript;base64,' + Buffer.from(bundled.outputFiles[0].text).toString('base64'));

const ethersHash = (td) => {
  const { EIP712Domain: _d, ...types } = td.types;
  return TypedDataEncoder.hash(td.domain, types, td.message);
};

// Every atomic type, dynamic and fixed arrays, and a struct inside a struct's array.
const synthetic = {
  domain: { name: 'OpenLedger', version: '1', chainId: '1717', verifyingContract: '0x0000000000000000000000000000000000000001' },
  types: {
    EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'version', type: 'string' }, { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' }],
    Part: [{ name: 'who', type: 'address' }, { name: 'weight', type: 'uint64' }, { name: 'tags', type: 'string[]' }],
    Everything: [
      { name: 'text', type: 'string' }, { name: 'empty', type: 'string' }, { name: 'blob', type: 'bytes' }, { name: 'root', type: 'bytes32' },
      { name: 'flag', type: 'bool' }, { name: 'big', type: 'uint256' }, { name: 'small', type: 'uint8' }, { name: 'signed', type: 'int64' },
      { name: 'hashes', type: 'bytes32[]' }, { name: 'amounts', type: 'uint256[2]' }, { name: 'parts', type: 'Part[]' }, { name: 'lead', type: 'Part' },
    ],
  },
  primaryType: 'Everything',
  message: {
    text: 'naïve café ✓ — 数据', empty: '', blob: '0x00ff10', root: '0x' + 'ab'.repeat(32), flag: true,
    big: (2n ** 256n - 1n).toString(), small: '255', signed: '-42', hashes: ['0x' + '01'.repeat(32), '0x' + 'fe'.repeat(32)],
    amounts: ['1', '1000000000000000000'],
    parts: [{ who: '0x0dCF19e422c3321aea321eDEadAC79A18EA3c2E1', weight: '3', tags: ['a', 'b'] }, { who: '0x0000000000000000000000000000000000000002', weight: '0', tags: [] }],
    lead: { who: '0x0dcf19e422c3321aea321edeadac79a18ea3c2e1', weight: '18446744073709551615', tags: ['lead'] },
  },
};

const out = { eip712: [], devKeys: [], signatures: [] };
const cases = [['synthetic', synthetic], ...input.typedData.map((json, i) => [`node ${i}: ${JSON.parse(json).primaryType}`, JSON.parse(json)])];
for (const [name, td] of cases) out.eip712.push({ name, app: app.typedDataHash(td), ethers: ethersHash(td) });

for (let i = 0; i < input.count; i++) {
  const key = app.deriveDevKey(input.seed, i);
  // The README's recipe, with ethers: keccak256(toUtf8Bytes(seed + "/" + i)) is the key (valid for all of these).
  const reference = new Wallet(keccak256(toUtf8Bytes(`${input.seed}/${i}`)));
  out.devKeys.push({ index: i, app: key.address, ethers: reference.address });
  const digest = out.eip712[i % out.eip712.length].app;
  const signature = app.signDigest(key.secret, digest);
  out.signatures.push({ index: i, recovered: recoverAddress(digest, signature), expected: reference.address,
    lowS: BigInt('0x' + signature.slice(66, 130)) <= 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n });
}
process.stdout.write(JSON.stringify(out));
