// Create a datanet (#/datanets/new): every field the CreateDatanet intent takes, with the CLI's defaults (`datanet
// create`: task text, no fee, no stake, rejected stakes to the owner, no curators), the gas it costs shown before
// signing; the wallet signs, the page follows the transaction to committed and opens the new datanet (its id is the
// transaction's hash). The node checks every field again (InvalidField names the one it refuses).
import { useState } from 'preact/hooks';
import { gql, ApiError } from '../api/graphql';
import { TYPED_CREATE_DATANET } from '../api/datanetWrite';
import { BALANCE } from '../api/documents';
import { useSignal } from '../api/signal';
import { chain } from '../api/chain';
import { signer } from '../wallet/wallet';
import { signAndSubmit } from '../wallet/submit';
import { follow } from '../wallet/follow';
import { formatOpen, isAddress, parseOpen } from '../ui/format';
import { ErrorBox } from '../ui/states';
import { TxLink } from '../ui/links';
import { href } from '../ui/router';

// The core's field limits (FieldLimits), checked here first so the form says which field is wrong before signing.
const LIMITS = { name: 64, description: 2048, license: 64, tag: 32, tags: 16, curators: 32 };
const bytes = (s: string) => new TextEncoder().encode(s).length;
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

type Phase = { step: 'edit' } | { step: 'signing' } | { step: 'sent'; hash: string; status: string } | { step: 'refused'; error: ApiError };

/** What is wrong with each field, if anything (the core's own rules: CreateDatanet.TryCreate). */
export function problems(f: { name: string; description: string; license: string; tags: string; curators: string; fee: string; stake: string }) {
  const p: Record<string, string> = {};
  if (!f.name.trim()) p.name = 'A datanet needs a name.';
  else if (bytes(f.name) > LIMITS.name) p.name = `At most ${LIMITS.name} bytes (this is ${bytes(f.name)}).`;
  if (bytes(f.description) > LIMITS.description) p.description = `At most ${LIMITS.description} bytes (this is ${bytes(f.description)}).`;
  if (bytes(f.license) > LIMITS.license) p.license = `At most ${LIMITS.license} bytes.`;
  const tags = list(f.tags);
  if (tags.length > LIMITS.tags) p.tags = `At most ${LIMITS.tags} tags.`;
  else if (tags.some((t) => bytes(t) > LIMITS.tag)) p.tags = `Each tag at most ${LIMITS.tag} bytes.`;
  const curators = list(f.curators);
  if (curators.some((c) => !isAddress(c))) p.curators = 'Addresses (0x + 40 hexadecimal digits), separated by commas.';
  else if (curators.length > LIMITS.curators) p.curators = `At most ${LIMITS.curators} curators.`;
  else if (new Set(curators.map((c) => c.toLowerCase())).size !== curators.length) p.curators = 'An address is listed twice.';
  if (parseOpen(f.fee || '0') === null) p.fee = 'An amount in OPEN, e.g. 0.001 (at most 18 decimals).';
  if (parseOpen(f.stake || '0') === null) p.stake = 'An amount in OPEN, e.g. 1 (at most 18 decimals).';
  return p;
}

export function NewDatanet() {
  const who = useSignal(signer);
  const info = useSignal(chain);
  const [f, setF] = useState({ name: '', description: '', tags: '', license: '', task: '1', fee: '0', stake: '0', forfeit: '1', curators: '' });
  const [touched, setTouched] = useState(false);
  const [phase, setPhase] = useState<Phase>({ step: 'edit' });
  const p = problems(f);
  const wrong = Object.keys(p).length > 0;
  const gas = BigInt(info?.gasSchedule.find((g) => g.kind === 'CreateDatanet')?.gas ?? 0);
  const gasFee = info ? gas * BigInt(info.gasPriceFloor) : null;
  const busy = phase.step === 'signing' || phase.step === 'sent';
  const set = (k: keyof typeof f) => (e: Event) => { setF({ ...f, [k]: (e.target as HTMLInputElement).value }); if (phase.step === 'refused') setPhase({ step: 'edit' }); };
  const shown = (k: string) => (touched || (f as Record<string, string>)[k] !== '') ? p[k] ?? '' : '';

  const submit = async (e: Event) => {
    e.preventDefault();
    setTouched(true);
    if (!who || wrong || busy) return;
    setPhase({ step: 'signing' });
    try {
      const intent = {
        from: who.address, name: f.name.trim(), description: f.description, tags: list(f.tags), license: f.license.trim(),
        taskKind: Number(f.task), feePerKb: parseOpen(f.fee || '0')!.toString(), stake: parseOpen(f.stake || '0')!.toString(),
        forfeitTo: Number(f.forfeit), curators: list(f.curators),
      };
      // The balance first: a create that cannot pay its gas is refused by the node anyway, but this says why up front.
      const balance = BigInt((await gql<{ account: { balance: string } }>(BALANCE, { address: who.address })).account.balance);
      if (gasFee !== null && balance < gasFee) throw new ApiError('InsufficientBalance', `The account holds ${formatOpen(balance)}; the gas is ${formatOpen(gasFee, 18)}.`);
      const td = (await gql<{ typedData: { json: string; hash: string } }>(TYPED_CREATE_DATANET, { i: intent })).typedData;
      const hash = await signAndSubmit(td);
      setPhase({ step: 'sent', hash, status: 'PENDING' });
      const o = await follow(hash, (u) => setPhase({ step: 'sent', hash, status: u.status }));
      if (o.succeeded === false) throw new ApiError(o.errorCode ?? 'FAILED', 'The transaction committed but failed.');
      location.hash = href.datanet(hash);
    } catch (err) {
      setPhase({ step: 'refused', error: err instanceof ApiError ? err : new ApiError('ERROR', String(err)) });
    }
  };

  const field = (id: string, label: string, k: keyof typeof f, hint?: string, extra?: Record<string, unknown>) => <>
    <label for={id}>{label}</label>
    {hint && <p class="muted hint" id={`${id}-hint`}>{hint}</p>}
    <input id={id} value={f[k]} onInput={set(k)} disabled={busy} aria-invalid={!!shown(k)}
      aria-describedby={`${id}-error${hint ? ` ${id}-hint` : ''}`} {...extra} />
    <p id={`${id}-error`} class="field-error" aria-live="polite">{shown(k)}</p>
  </>;

  return (
    <section aria-labelledby="new-datanet-title" data-ready="new-datanet">
      <h1 id="new-datanet-title">Create a datanet</h1>
      <p>A datanet collects training examples in one task format. Contributors pay its fee to you and lock its stake until
        you (or its curators) approve or reject each contribution; approved contributions are published in versions that
        models are trained on.</p>
      {!who && <p class="state empty" role="status">Connect a wallet (or, on a dev chain, pick a dev account) in the header: it will own the datanet.</p>}
      <form class="form" onSubmit={submit} noValidate data-testid="new-datanet-form">
        {field('dn-name', 'Name', 'name', undefined, { required: true, autocomplete: 'off' })}
        <label for="dn-description">Description</label>
        <textarea id="dn-description" rows={3} value={f.description} onInput={set('description')} disabled={busy}
          aria-invalid={!!shown('description')} aria-describedby="dn-description-error" />
        <p id="dn-description-error" class="field-error" aria-live="polite">{shown('description')}</p>
        <label for="dn-task">Task</label>
        <select id="dn-task" value={f.task} onChange={set('task')} disabled={busy} aria-describedby="dn-task-hint">
          <option value="1">Text (any UTF-8 text)</option>
          <option value="2">Prompt → completion (JSON: prompt, completion)</option>
          <option value="3">Text → label (JSON: text, label)</option>
        </select>
        <p class="muted hint" id="dn-task-hint">The node refuses content that is not in this format (InvalidTaskExample), before it is signed.</p>
        {field('dn-fee', 'Fee per started KiB (OPEN, to you)', 'fee', undefined, { inputMode: 'decimal', autocomplete: 'off' })}
        {field('dn-stake', 'Stake per contribution (OPEN, returned when approved)', 'stake', undefined, { inputMode: 'decimal', autocomplete: 'off' })}
        <label for="dn-forfeit">A rejected contribution's stake goes to</label>
        <select id="dn-forfeit" value={f.forfeit} onChange={set('forfeit')} disabled={busy}>
          <option value="1">the owner (you)</option>
          <option value="2">the protocol treasury</option>
        </select>
        {field('dn-curators', 'Curators besides you (addresses, comma-separated)', 'curators', undefined, { class: 'mono', autocomplete: 'off', spellcheck: false })}
        {field('dn-tags', 'Tags (comma-separated)', 'tags', undefined, { autocomplete: 'off' })}
        {field('dn-license', 'License', 'license', undefined, { placeholder: 'e.g. CC0-1.0', autocomplete: 'off' })}
        <dl class="fields" aria-label="Cost">
          <dt>Gas (at most)</dt><dd data-testid="new-datanet-gas" data-wei={gasFee?.toString()}>{gasFee !== null ? `${formatOpen(gasFee, 18)} (${gas} gas × ${info!.gasPriceFloor} wei)` : '…'}</dd>
        </dl>
        <button type="submit" disabled={!who || busy || (touched && wrong)}>
          {phase.step === 'signing' ? 'Waiting for the wallet…' : phase.step === 'sent' ? 'Waiting for the commit…' : 'Sign and create'}</button>
      </form>
      <div aria-live="polite">
        {phase.step === 'sent' && <p class="state" data-testid="new-datanet-status">Creating <TxLink hash={phase.hash} />: {phase.status.toLowerCase()}…</p>}
        {phase.step === 'refused' && <ErrorBox error={phase.error} title="The datanet was not created" />}
      </div>
    </section>
  );
}
