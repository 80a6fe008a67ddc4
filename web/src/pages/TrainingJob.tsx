// One Model Factory job, live: its status, step of total, training and held-out loss, speed and time left, and a loss
// chart that grows with every progress message of the trainingJob subscription. Its owner can cancel it (signing a
// CancelTrainingJob request) and, once it succeeded, register it as a model (signing the RegisterModel transaction
// with the job's adapter, training record and datanet version, followed to its commit).
import { useEffect, useState } from 'preact/hooks';
import { gql, subscribe, ApiError } from '../api/graphql';
import { CANCEL_TRAINING, CANCEL_TYPED, DATANET_NAME, TRAINING_JOB, TRAINING_JOB_SUB, TYPED_REGISTER, authorize, deadlineFromNow } from '../api/models';
import { useSignal } from '../api/signal';
import { signer } from '../wallet/wallet';
import { signAndSubmit } from '../wallet/submit';
import { follow } from '../wallet/follow';
import { useQuery } from '../ui/useQuery';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { AccountLink, BlockLink, DatanetLink, TxLink } from '../ui/links';
import { LossChart, type LossPoint } from '../ui/LossChart';
import { mergePoints } from '../api/jobs';
import { href } from '../ui/router';
import { isHash, parseOpen, short } from '../ui/format';

export interface Job {
  id: string; status: string; owner: string | null; datanet: string; versionNumber: number; datanetVersion: string; baseModel: string;
  rank: number; alpha: number; learningRate: number; epochs: number; steps: number | null; batchSize: number; seed: number;
  schedule: string; labelSmoothing: number | null; earlyStopping: number | null; labelScoring: string;
  examples: number; step: number; totalSteps: number; loss: number | null; evalLoss: number | null; initialEvalLoss: number | null;
  tokensPerSecond: number; etaSeconds: number | null; adapter: string | null; trainingRecord: string | null;
  accuracy: number | null; baseAccuracy: number | null; errorCode: string | null; message: string | null;
  createdMs: number; startedMs: number | null; finishedMs: number | null; sequence: number;
}

const FINISHED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const fmt = (x: number | null | undefined, places = 3) => (x === null || x === undefined ? '—' : x.toFixed(places));
const sameAccount = (a: string | null | undefined, b: string | null | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/** Follows the job: the query's answer (with the curve the node kept, so a job opened late or after it finished draws
 * its whole run), then each message of the subscription (a repeated or older one is dropped by its sequence), adding
 * its step to the curve (one point per step). */
function useLiveJob(id: string, valid: boolean) {
  const q = useQuery<{ trainingJob: (Job & { lossHistory: LossPoint[] }) | null }>(TRAINING_JOB, valid ? { id } : null, `job:${id}`);
  const [job, setJob] = useState<Job | null>(null);
  const [points, setPoints] = useState<LossPoint[]>([]);
  const take = (j: Job) => {
    setJob((old) => (old && old.sequence >= j.sequence ? old : j));
    if (j.step > 0 && (j.loss !== null || j.evalLoss !== null))
      setPoints((ps) => {
        const last = ps[ps.length - 1];
        if (last && last.step > j.step) return ps;
        return mergePoints(ps, [{ step: j.step, loss: j.loss, evalLoss: j.evalLoss }]);
      });
  };
  const first = q.data?.trainingJob;
  useEffect(() => {
    if (!first) return;
    // The stored curve under what is already drawn: a live point of the same step is the same report.
    setPoints((ps) => mergePoints(first.lossHistory, ps));
    take(first);
  }, [first]);
  const live = !!first && !FINISHED.includes(first.status);
  useEffect(() => {
    if (!live) return;
    return subscribe<{ trainingJob: Job }>(TRAINING_JOB_SUB, { id }, (d) => take(d.trainingJob));
  }, [id, live]);
  // A job that ends while the page is open is read once more: the live messages come twice a second, not once a step,
  // and the node's curve has the steps between them.
  const current = job ?? first ?? null;
  const endedLive = live && !!current && FINISHED.includes(current.status);
  useEffect(() => { if (endedLive) q.refresh(); }, [endedLive]);
  return { q, job: job ?? first ?? null, points };
}

function Cancel({ job, onError }: { job: Job; onError: (e: unknown) => void }) {
  const who = useSignal(signer);
  const [busy, setBusy] = useState(false);
  if (!sameAccount(who?.address, job.owner) || FINISHED.includes(job.status)) return null;
  const cancel = async () => {
    setBusy(true);
    try {
      const deadline = deadlineFromNow();
      const json = (await gql<{ cancelTrainingJobTypedData: string }>(CANCEL_TYPED, { id: job.id, owner: who!.address, deadline })).cancelTrainingJobTypedData;
      const a = await authorize(json, who!.address, deadline, 'CancelTrainingJob', { job: job.id });
      await gql(CANCEL_TRAINING, { id: job.id, a });
    } catch (error) { onError(error); }
    setBusy(false);
  };
  return <button type="button" class="danger" onClick={cancel} disabled={busy}>{busy ? 'Cancelling…' : 'Cancel this job'}</button>;
}

type RegisterPhase = { step: 'edit' } | { step: 'signing' } | { step: 'sent'; hash: string; status: string }
  | { step: 'registered'; hash: string; blockHeight: number | null } | { step: 'refused'; error: unknown };

function Register({ job }: { job: Job }) {
  const who = useSignal(signer);
  const [name, setName] = useState('');
  const [price, setPrice] = useState('1');
  const [split, setSplit] = useState({ ownerBps: '7000', contributorsBps: '2000', protocolBps: '1000' });
  const [phase, setPhase] = useState<RegisterPhase>({ step: 'edit' });
  if (job.status !== 'SUCCEEDED' || !job.adapter || !job.trainingRecord) return null;
  if (job.owner && !sameAccount(who?.address, job.owner))
    return <p class="muted">Only the job's owner, <AccountLink address={job.owner} />, may register it as a model.</p>;
  const wei = parseOpen(price);
  const bps = [split.ownerBps, split.contributorsBps, split.protocolBps].map(Number);
  const sum = bps.reduce((a, b) => a + b, 0);
  const splitOk = bps.every((b) => Number.isInteger(b) && b >= 0) && sum === 10_000;
  const ready = !!who && name.trim().length > 0 && wei !== null && splitOk;

  const register = async (e: Event) => {
    e.preventDefault();
    if (!ready || !who) return;
    setPhase({ step: 'signing' });
    try {
      const td = (await gql<{ typedData: { json: string; hash: string } }>(TYPED_REGISTER, { i: {
        from: who.address, name: name.trim(), baseModel: job.baseModel, adapter: job.adapter, datanetVersions: [job.datanetVersion],
        trainingRecord: job.trainingRecord, price: wei!.toString(), ownerBps: bps[0], contributorsBps: bps[1], protocolBps: bps[2] } })).typedData;
      const hash = await signAndSubmit(td);
      setPhase({ step: 'sent', hash, status: 'PENDING' });
      const o = await follow(hash, (u) => setPhase({ step: 'sent', hash, status: u.status }));
      if (o.succeeded === false) throw new ApiError(o.errorCode ?? 'FAILED', 'The registration committed but failed.');
      setPhase({ step: 'registered', hash, blockHeight: o.blockHeight });
    } catch (error) {
      setPhase({ step: 'refused', error: error instanceof ApiError ? error : new ApiError('ERROR', String(error)) });
    }
  };
  const busy = phase.step === 'signing' || phase.step === 'sent';
  return (
    <form class="register" onSubmit={register} aria-labelledby="register-title" data-testid="register">
      <h2 id="register-title">Register as a model</h2>
      <p>Puts the adapter <span class="mono" title={job.adapter}>{short(job.adapter)}</span>, its training record and the datanet version
        it was trained on on chain, with a price per inference and how each fee is split.</p>
      <div class="field"><label for="register-name">Name</label>
        <input id="register-name" value={name} required onInput={(e) => setName((e.target as HTMLInputElement).value)} /></div>
      <div class="field"><label for="register-price">Price per inference (OPEN)</label>
        <input id="register-price" value={price} inputMode="decimal" aria-invalid={wei === null}
          onInput={(e) => setPrice((e.target as HTMLInputElement).value)} /></div>
      <fieldset class="hyper"><legend>Fee split (basis points, summing to 10,000)</legend>
        {(['ownerBps', 'contributorsBps', 'protocolBps'] as const).map((k) => (
          <div class="field" key={k}><label for={`register-${k}`}>{k === 'ownerBps' ? 'Owner' : k === 'contributorsBps' ? 'Data contributors' : 'Protocol'}</label>
            <input id={`register-${k}`} type="number" min="0" max="10000" value={split[k]}
              onInput={(e) => setSplit((s) => ({ ...s, [k]: (e.target as HTMLInputElement).value }))} /></div>))}
      </fieldset>
      {!splitOk && <p class="warning">The three shares must be whole basis points summing to 10,000 (now {sum}).</p>}
      {wei === null && <p class="warning">The price is a decimal amount of OPEN with at most 18 places.</p>}
      <button type="submit" disabled={!ready || busy || phase.step === 'registered'}>
        {phase.step === 'signing' ? 'Waiting for the wallet…' : phase.step === 'sent' ? 'Waiting for the commit…' : 'Sign and register'}</button>
      <div aria-live="polite">
        {phase.step === 'sent' && <p class="state" data-testid="register-status">Registering <TxLink hash={phase.hash} />: {phase.status.toLowerCase()}.</p>}
        {phase.step === 'registered' && <p class="state ok" data-testid="register-result">Registered (<TxLink hash={phase.hash} />
          {phase.blockHeight !== null && <>, block <BlockLink height={phase.blockHeight} /></>}): <a href={href.model(phase.hash)} data-testid="registered-model">open the model's page</a>.</p>}
        {phase.step === 'refused' && <ErrorBox error={phase.error} title="The model was not registered" />}
      </div>
    </form>);
}

export function TrainingJob({ id }: { id: string }) {
  const valid = isHash(id);
  const { q, job, points } = useLiveJob(id, valid);
  const [actionError, setActionError] = useState<unknown>(null);
  // The datanet's name for its link (the job names only its id).
  const named = useQuery<{ datanet: { name: string } | null }>(DATANET_NAME, job ? { id: job.datanet } : null, `job-datanet:${job?.datanet}`);
  if (!valid) return <section data-ready="training-invalid"><h1>Training job</h1>
    <ErrorBox error={new ApiError('INVALID_INPUT', `"${id}" is not a training job id (0x + 64 hex digits).`)} title="No such training job" /></section>;
  if (q.error) return <section data-ready="training-error"><h1>Training job</h1><ErrorBox error={q.error} title="The job could not be read" /></section>;
  if (!q.data) return <Loading what="the training job" />;
  if (!job) return <section data-ready="training-missing"><h1>Training job</h1>
    <Empty>This node knows no training job <span class="mono wrap">{id}</span>. <a href={href.train()}>Model Factory</a>.</Empty></section>;
  const status = job.status.toLowerCase();
  return (
    <section aria-labelledby="training-title" data-ready="training">
      <h1 id="training-title">Training job <span class="mono">{short(job.id)}</span></h1>
      <p class="mono wrap">{job.id}</p>
      <dl class="stats" aria-live="polite">
        <div><dt>Status</dt><dd><span class={`status ${status}`} data-testid="job-status">{status}</span></dd></div>
        <div><dt>Step</dt><dd data-testid="job-step">{job.step} / {job.totalSteps || '—'}</dd></div>
        <div><dt>Loss</dt><dd data-testid="job-loss">{fmt(job.loss)}</dd></div>
        <div><dt>Held-out loss</dt><dd data-testid="job-eval-loss">{fmt(job.evalLoss)}{job.initialEvalLoss !== null && <span class="muted"> (from {fmt(job.initialEvalLoss)})</span>}</dd></div>
        <div><dt>Tokens/s</dt><dd>{job.tokensPerSecond ? Math.round(job.tokensPerSecond).toLocaleString('en-US') : '—'}</dd></div>
        <div><dt>Time left</dt><dd data-testid="job-eta">{FINISHED.includes(job.status) ? '—' : job.etaSeconds !== null ? `${Math.ceil(job.etaSeconds)} s` : '—'}</dd></div>
      </dl>
      <Cancel job={job} onError={setActionError} />
      {actionError !== null && <ErrorBox error={actionError} title="The job was not cancelled" />}
      {job.status === 'FAILED' && <ErrorBox error={new ApiError(job.errorCode ?? 'FAILED', job.message ?? 'the job failed')} title="The job failed" />}
      {job.status === 'CANCELLED' && <p class="state" data-testid="job-cancelled">Cancelled{job.step > 0 ? ` at step ${job.step}` : ''}: its checkpoint is
        kept, so starting the same training again resumes it.</p>}
      <LossChart points={points} />
      {points.length === 0 && <p class="muted">{FINISHED.includes(job.status) ? 'The job reported no loss.'
        : 'The chart fills as the job reports its steps.'}</p>}
      <h2>Request</h2>
      <dl class="fields" data-testid="job-fields">
        <dt>Owner</dt><dd>{job.owner ? <AccountLink address={job.owner} full /> : 'nobody (the node\'s operator started it)'}</dd>
        <dt>Datanet</dt><dd><DatanetLink id={job.datanet} name={named.data?.datanet?.name} /> version {job.versionNumber} ({job.examples} examples)</dd>
        <dt>Base model</dt><dd>{job.baseModel}</dd>
        <dt>Hyperparameters</dt><dd>rank {job.rank}, alpha {job.alpha}, learning rate {job.learningRate},
          {' '}{job.steps !== null ? `${job.steps} steps` : `${job.epochs} epochs`}, batch size {job.batchSize}, seed {job.seed}</dd>
        <dt>Recipe</dt><dd data-testid="job-recipe">{job.schedule} schedule, {job.labelSmoothing !== null ? `label smoothing ${job.labelSmoothing}` : 'no label smoothing'},
          {' '}{job.earlyStopping !== null ? `early stopping after ${job.earlyStopping} evaluations without progress (best adapter kept)` : 'every step trained'},
          {' '}labels scored by {job.labelScoring === 'mean' ? 'mean' : 'sum'} log-probability</dd>
        {job.accuracy !== null && <><dt>Accuracy</dt><dd>{fmt(job.baseAccuracy)} (base) → {fmt(job.accuracy)}</dd></>}
        {job.adapter && <><dt>Adapter</dt><dd class="mono wrap" data-testid="job-adapter">{job.adapter}</dd></>}
        {job.trainingRecord && <><dt>Training record</dt><dd class="mono wrap">{job.trainingRecord}</dd></>}
      </dl>
      <Register job={job} />
    </section>
  );
}
