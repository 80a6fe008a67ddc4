// Recomputes a transaction's Merkle inclusion proof in the browser, so the page need not trust the node's "valid":
// leaf = keccak256(0x00 || item), node = keccak256(0x01 || left || right), an odd last node promoted unchanged (the
// ledger's rule; tests/js/verify-merkle-proof.mjs checks the same with ethers). The root it must reach is the block
// header's transactionsRoot, read separately.
import { bytesToHex, concatBytes, hexToBytes, keccak } from './hex';

export interface ProofStep { sibling: string; siblingOnLeft: boolean }

export function merkleRoot(item: string, steps: ProofStep[]): string {
  let node = keccak(concatBytes(Uint8Array.of(0), hexToBytes(item)));
  for (const step of steps) {
    const sibling = hexToBytes(step.sibling);
    node = keccak(step.siblingOnLeft ? concatBytes(Uint8Array.of(1), sibling, node) : concatBytes(Uint8Array.of(1), node, sibling));
  }
  return bytesToHex(node);
}
