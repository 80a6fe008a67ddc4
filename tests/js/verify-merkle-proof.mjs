// Recomputes a Merkle root from an OpenLedger inclusion proof with ethers' keccak256, independently of the C# code.
//
// The tree's rule: leaf = keccak256(0x00 || item), node = keccak256(0x01 || left || right); an odd last node is
// promoted unchanged (so a promoted level simply contributes no step to the proof).
//
// stdin:  { "item": "0x<32 bytes>", "root": "0x<32 bytes>", "steps": [ { "sibling": "0x..", "siblingOnLeft": bool } ] }
//         or an array of such proofs.
// stdout: { "ok": computedRoot == root, "computedRoot": "0x.." }  (or an array, one per proof, in order)
import { keccak256, concat, isHexString } from "ethers";
import { readStdinJson, writeJson, fail } from "./stdio.mjs";

function bytes32(value, what) {
  if (!isHexString(value, 32)) throw new Error(`${what} must be 0x-hex of 32 bytes, got ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

function verify({ item, root, steps }) {
  if (!Array.isArray(steps)) throw new Error("steps must be an array");
  let node = keccak256(concat(["0x00", bytes32(item, "item")]));
  steps.forEach((step, i) => {
    const sibling = bytes32(step.sibling, `steps[${i}].sibling`);
    if (typeof step.siblingOnLeft !== "boolean") throw new Error(`steps[${i}].siblingOnLeft must be a boolean`);
    node = step.siblingOnLeft
      ? keccak256(concat(["0x01", sibling, node]))
      : keccak256(concat(["0x01", node, sibling]));
  });
  return { ok: node === bytes32(root, "root"), computedRoot: node };
}

try {
  const input = await readStdinJson();
  writeJson(Array.isArray(input) ? input.map(verify) : verify(input));
} catch (e) {
  fail(e);
}
