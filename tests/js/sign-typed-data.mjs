// Signs EIP-712 typed data with a real ethers v6 Wallet, as a wallet user would.
//
// stdin:  { "privateKey": "0x..", "typedData": { domain, types, primaryType, message } }
//         (typedData exactly as OpenLedger's TypedDataDocument produces it, EIP712Domain included),
//         or an array of such requests.
// stdout: { "signature": "0x<r><s><v>", "hash": "0x..", "address": "0x..", "from": "0x.." }
//         (or an array, one per request, in order), where
//           signature = wallet.signTypedData(domain, types, message)  (65 bytes, v = 27/28)
//           hash      = TypedDataEncoder.hash(domain, types, message) (the EIP-712 digest)
//           address   = the EIP-55 address ethers derives from the private key
//           from      = ethers.getAddress(message.from lowercased): ethers' EIP-55 form of the sender field
import { Wallet, TypedDataEncoder, getAddress } from "ethers";
import { readStdinJson, writeJson, fail } from "./stdio.mjs";

async function sign({ privateKey, typedData }) {
  if (typeof privateKey !== "string") throw new Error("privateKey (0x-hex string) is required");
  if (!typedData || typeof typedData !== "object") throw new Error("typedData is required");
  const { domain, types, message } = typedData;
  // ethers derives the domain type from the domain object; it rejects an explicit EIP712Domain entry.
  const { EIP712Domain: _domainType, ...messageTypes } = types;
  const wallet = new Wallet(privateKey);
  const signature = await wallet.signTypedData(domain, messageTypes, message);
  const hash = TypedDataEncoder.hash(domain, messageTypes, message);
  const from = typeof message.from === "string" ? getAddress(message.from.toLowerCase()) : null;
  return { signature, hash, address: wallet.address, from };
}

try {
  const input = await readStdinJson();
  const output = Array.isArray(input) ? await Promise.all(input.map(sign)) : await sign(input);
  writeJson(output);
} catch (e) {
  fail(e);
}
