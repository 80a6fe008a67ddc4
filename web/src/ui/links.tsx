// Links to explorer pages, with the full value in a title and a readable short form.
import { href } from './router';
import { short } from './format';

export const BlockLink = ({ height }: { height: number | null | undefined }) =>
  height === null || height === undefined ? <span>—</span> : <a href={href.block(height)}>#{height}</a>;

export const TxLink = ({ hash, full }: { hash: string; full?: boolean }) =>
  <a href={href.tx(hash)} class="mono" title={hash}>{full ? hash : short(hash)}</a>;

export const AccountLink = ({ address, full }: { address: string | null | undefined; full?: boolean }) =>
  !address ? <span>—</span> : <a href={href.account(address)} class="mono" title={address}>{full ? address : short(address, 6)}</a>;

/** A datanet by name (its id in the title), or its short id while the name is unknown. */
export const DatanetLink = ({ id, name }: { id: string | null | undefined; name?: string | null }) =>
  !id ? <span>—</span> : <a href={href.datanet(id)} title={id}>{name ?? short(id)}</a>;
