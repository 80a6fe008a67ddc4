// Signs EIP-712 typed data with a real ethers v6 Wallet, as a wallet user would, and computes ethers' own digest.
//
// stdin:  requests { "privateKey": "0x..", "typedData": { domain, types, primaryType, message } }
//         (typedData exactly as OpenLedger's TypedDataDocument produces it, EIP712Domain included), as
//           - one request,
//           - a JSON array of requests, or
//           - JSON lines: one request per line.
//         Send a whole batch at once: node starts slowly, signing is fast.
// stdout: per request { "signature": "0x<r><s><v>", "hash": "0x..", "address": "0x..", "from": "0x.." }, as one object,
//         a JSON array (for an array) or JSON lines (for JSON lines), in request order, where
//           signature = wallet.signTypedData(domain, types, message)  (65 bytes, v = 27/28, low s)
//           hash      = TypedDataEncoder.hash(domain, types, message) (the EIP-712 digest)
//           address   = the EIP-55 address ethers derives from the private key
//           from      = ethers.getAddress(message.from lowercased): ethers' EIP-55 form of the sender field
//         with types = typedData.types minus EIP712Domain (ethers derives the domain type from the domain itself).
import { Wallet, TypedDataEncoder, getAddress } from "ethers";
import { writeJson, fail } from "./stdio.mjs";

async function readStdinText() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new Error("expected JSON on stdin, got nothing");
  return text;
}

async function sign({ privateKey, typedData }, index) {
  const where = index === undefined ? "request" : `request ${index}`;
  if (typeof privateKey !== "string") throw new Error(`${where}: privateKey (0x-hex string) is required`);
  if (!typedData || typeof typedData !== "object") throw new Error(`${where}: typedData is required`);
  const { domain, types, message, primaryType } = typedData;
  if (!types || typeof types !== "object") throw new Error(`${where}: typedData.types is required`);
  // ethers derives the domain type from the domain object; it rejects an explicit EIP712Domain entry.
  const { EIP712Domain: _domainType, ...messageTypes } = types;
  // ethers infers the primary type (the one no other type references); make sure it is the one the document names
  if (primaryType !== undefined) {
    const inferred = TypedDataEncoder.from(messageTypes).primaryType;
    if (inferred !== primaryType) throw new Error(`${where}: ethers infers primaryType ${inferred}, the document says ${primaryType}`);
  }
  const wallet = new Wallet(privateKey);
  const signature = await wallet.signTypedData(domain, messageTypes, message);
  const hash = TypedDataEncoder.hash(domain, messageTypes, message);
  const from = typeof message.from === "string" ? getAddress(message.from.toLowerCase()) : null;
  return { signature, hash, address: wallet.address, from };
}

try {
  const text = await readStdinText();
  let input;
  let lines = false;
  try {
    input = JSON.parse(text);
  } catch (whole) {
    // not one JSON value: JSON lines
    const rows = text.split("\n").filter((l) => l.trim() !== "");
    if (rows.length < 2) throw whole;
    input = rows.map((l, i) => {
      try { return JSON.parse(l); } catch (e) { throw new Error(`line ${i + 1} is not JSON: ${e.message}`); }
    });
    lines = true;
  }
  if (lines) {
    const output = [];
    for (const [i, r] of input.entries()) output.push(await sign(r, i));
    process.stdout.write(output.map((o) => JSON.stringify(o)).join("\n") + "\n");
  } else if (Array.isArray(input)) {
    const output = [];
    for (const [i, r] of input.entries()) output.push(await sign(r, i));
    writeJson(output);
  } else {
    writeJson(await sign(input));
  }
} catch (e) {
  fail(e);
}
