// The inference playground (#/playground, #/playground?model=<id>): pick a registered model, type the input, see what it
// costs BEFORE signing (the model's price, escrowed, and the most the transaction's gas can cost), sign the
// RequestInference intent with the wallet, then follow the inference live to its output and, once settled, its
// attribution evidence (the inference page's own view).
import { useEffect, useState } from 'preact/hooks';
import { gql, ApiError } from '../api/graphql';
import { ACTIVE_MODELS, MODEL_PRICE, TYPED_REQUEST_INFERENCE, UPLOAD_INPUT } from '../api/infer';
import { useSignal } from '../api/signal';
import { chain } from '../api/chain';
import { signer } from '../wallet/wallet';
import { signAndSubmit } from '../wallet/submit';
import { follow } from '../wallet/follow';
import { useQuery } from '../ui/useQuery';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { TxLink } from '../ui/links';
import { href } from '../ui/router';
import { formatOpen, isHash, short } from '../ui/format';
import { InferenceView } from './Inference';

interface ModelRow { id: string; name: string; price: string; version: number; baseModel: string; owner: string }
type Phase =
  | { step: 'edit' } | { step: 'signing' }
  | { step: 'sent'; id: string }
  | { step: 'refused'; error: unknown };

export function Playground({ model: wanted }: { model?: string }) {
  const who = useSignal(signer);
  const info = useSignal(chain);
  const models = useQuery<{ models: { nodes: ModelRow[] } }>(ACTIVE_MODELS, {}, 'models:active');
  // A model named by the address but not among the active ones (retired, or beyond the first 50): read it alone.
  const listed = models.data?.models.nodes ?? [];
  const named = wanted && isHash(wanted) && models.data && !listed.some((m) => m.id.toLowerCase() === wanted.toLowerCase());
  const single = useQuery<{ model: (ModelRow & { status: string }) | null }>(MODEL_PRICE, named ? { id: wanted } : null, `model:${named ? wanted : ''}`);
  const [choice, setChoice] = useState<string>(wanted ?? '');
  const [input, setInput] = useState('');
  const [touched, setTouched] = useState(false);
  const [phase, setPhase] = useState<Phase>({ step: 'edit' });

  useEffect(() => { if (!choice && listed.length) setChoice(listed[0].id); }, [listed.length]);
  useEffect(() => { if (wanted) setChoice(wanted); }, [wanted]);

  if (models.error) return <section><h1>Inference playground</h1><ErrorBox error={models.error} title="The models could not be read" /></section>;
  if (!models.data) return <Loading what="the models" />;

  const options = single.data?.model && single.data.model.status === 'ACTIVE' ? [single.data.model, ...listed] : listed;
  const model = options.find((m) => m.id.toLowerCase() === choice.toLowerCase()) ?? null;
  const gas = BigInt(info?.gasSchedule.find((g) => g.kind === 'RequestInference')?.gas ?? 0);
  const gasFee = info ? gas * BigInt(info.gasPriceFloor) : null;
  const inputError = touched && !input.trim() ? 'Type an input for the model: an empty input is not sent.' : null;
  const ready = !!who && !!model && !!input.trim() && phase.step !== 'signing';

  const submit = async (e: Event) => {
    e.preventDefault();
    setTouched(true);
    if (!ready || !who || !model) return;
    setPhase({ step: 'signing' });
    try {
      const stored = (await gql<{ uploadContent: { hash: string } }>(UPLOAD_INPUT, { text: input })).uploadContent;
      // The most the caller agrees to be charged is the price shown: a price raised meanwhile is refused, not paid.
      const td = (await gql<{ typedData: { json: string; hash: string } }>(TYPED_REQUEST_INFERENCE,
        { i: { from: who.address, model: model.id, input: stored.hash, maxFee: model.price } })).typedData;
      const id = await signAndSubmit(td);
      setPhase({ step: 'sent', id });
      // Admitted is not yet done: a request that fails in its block (the model retired meanwhile) says so here.
      follow(id).then((o) => {
        if (o.succeeded === false) setPhase({ step: 'refused', error: new ApiError(o.errorCode ?? 'FAILED', `The request ${id} committed but failed.`) });
      }, () => { /* the inference view below follows it too */ });
    } catch (error) {
      setPhase({ step: 'refused', error: error instanceof ApiError ? error : new ApiError('ERROR', String(error)) });
    }
  };

  return (
    <section aria-labelledby="playground-title" data-ready="playground">
      <h1 id="playground-title">Inference playground</h1>
      {!who && <p class="state empty" role="status">Connect a wallet (or, on a dev chain, pick a dev account) in the header to pay for an inference.</p>}
      {options.length === 0 ? <Empty>No model takes requests on this node yet: a publisher registers one after training it.</Empty> : (
        <form onSubmit={submit} class="form" noValidate>
          <label for="playground-model">Model</label>
          <select id="playground-model" value={model?.id ?? ''} onChange={(e) => { setChoice((e.target as HTMLSelectElement).value); setPhase({ step: 'edit' }); }}>
            {!model && <option value="">Choose a model</option>}
            {options.map((m) => <option key={m.id} value={m.id}>{m.name} (v{m.version}, {formatOpen(m.price)})</option>)}
          </select>
          {wanted && (!isHash(wanted) || (named && single.data && !single.data.model)) && <p class="field-error" role="alert" data-testid="playground-unknown-model">
            This node knows no model {short(wanted)}{isHash(wanted) ? '' : ' (a model id is 0x + 64 hex digits)'}.</p>}
          {named && single.data?.model && single.data.model.status !== 'ACTIVE' && <p class="field-error" role="alert">
            The model {single.data.model.name} is {single.data.model.status.toLowerCase()}: it takes no new requests.</p>}
          {model && <p class="muted">Model <a href={href.model(model.id)} title={model.id}>{model.name}</a>, base {short(model.baseModel, 12)}</p>}
          <label for="playground-input">Input</label>
          <textarea id="playground-input" rows={4} value={input} aria-invalid={!!inputError} aria-describedby="playground-input-error"
            onInput={(e) => { setInput((e.target as HTMLTextAreaElement).value); setTouched(true); }} />
          <p id="playground-input-error" class="field-error" aria-live="polite">{inputError ?? ''}</p>
          <dl class="fields" aria-label="Cost">
            <dt>Price (escrowed, split at settlement)</dt>
            <dd data-testid="playground-price" data-wei={model?.price ?? ''}>{model ? formatOpen(model.price, 18) : '—'}</dd>
            <dt>Max fee (gas, at most)</dt>
            <dd data-testid="playground-gas" data-wei={gasFee?.toString() ?? ''}>{gasFee !== null ? `${formatOpen(gasFee, 18)} (${gas} gas × ${info!.gasPriceFloor} wei)` : '…'}</dd>
            <dt>Total (at most)</dt>
            <dd data-testid="playground-total">{model && gasFee !== null ? formatOpen(BigInt(model.price) + gasFee, 18) : '—'}</dd>
          </dl>
          <button type="submit" disabled={!ready}>{phase.step === 'signing' ? 'Waiting for the wallet…' : 'Sign and pay'}</button>
        </form>)}
      <div aria-live="polite">
        {phase.step === 'refused' && <ErrorBox error={phase.error} title="The inference was not paid for" />}
      </div>
      {phase.step === 'sent' && (
        <section aria-labelledby="playground-result" class="playground-result" data-testid="playground-result" data-id={phase.id}>
          <h2 id="playground-result">Your inference</h2>
          <p>Request <TxLink hash={phase.id} />; its own page: <a href={href.inference(phase.id)} class="mono">{short(phase.id)}</a>.</p>
          <InferenceView id={phase.id} justSent />
        </section>)}
    </section>
  );
}
