// Model Factory: choose a published datanet version and the LoRA hyperparameters (the node's defaults filled in), see
// what the cost rule allows BEFORE signing (example passes = steps x batch size against the node's cap, the owner's
// balance against the funding minimum), sign the StartTrainingJob payload with the wallet and present it; the job's
// page follows it. Below, the signer's own jobs.
import { useState } from 'preact/hooks';
import { gql, ApiError } from '../api/graphql';
import { DATANETS, BALANCE } from '../api/documents';
import { START_TRAINING, TRAIN_DATANET, TRAIN_RULE, TRAINING_TYPED, authorize, deadlineFromNow } from '../api/models';
import { OWNER_JOBS, OWNER_JOBS_LIMIT } from '../api/jobs';
import { useSignal } from '../api/signal';
import { signer } from '../wallet/wallet';
import { useQuery } from '../ui/useQuery';
import { ErrorBox, Loading, Empty } from '../ui/states';
import { DatanetLink } from '../ui/links';
import { href } from '../ui/router';
import { formatOpen, isHash, short } from '../ui/format';
import type { DatanetRow } from './Datanets';

interface Rule { minimumBalance: string; maxActiveJobsPerOwner: number; maxExamplePassesPerJob: number }
interface Version { id: string; number: number; root: string; count: number }
interface JobRow { id: string; status: string; owner: string | null; datanet: string; versionNumber: number; step: number; totalSteps: number;
  loss: number | null; evalLoss: number | null; createdMs: number }

/** The node's defaults (TrainingJobInput's): what the CLI's `train` uses when an option is not given. The recipe
 * options (schedule .. labelScoring) start empty: unset, the node's default, and left out of the request, so a job
 * without them is named and signed as before they existed. */
const DEFAULTS = { rank: '8', alpha: '16', learningRate: '0.003', epochs: '1', steps: '', batchSize: '16', seed: '1',
  schedule: '', labelSmoothing: '', earlyStopping: '', labelScoring: '' };
type Form = typeof DEFAULTS;

/** What is wrong with the recipe options, checked before the wallet is asked to sign (the node checks the same bounds
 * and refuses with InvalidField); null when they are fine. */
export function recipeProblem(f: Form): string | null {
  const e = f.labelSmoothing.trim();
  if (e && !(Number(e) >= 0 && Number(e) < 0.5)) return 'Label smoothing must be a number from 0 up to (not including) 0.5.';
  const p = f.earlyStopping.trim();
  if (p && !(Number.isInteger(Number(p)) && Number(p) >= 1 && Number(p) <= 10)) return 'Early stopping must be a whole number of evaluations from 1 to 10.';
  return null;
}

/** Steps x batch size, as the node's cost rule counts them: with epochs, ceil(epochs x ceil(examples / batch)) steps
 * over the version's approved count (an upper bound: excluded contributions are not trained on). */
export function examplePasses(f: Form, examples: number): number | null {
  const batch = Number(f.batchSize);
  if (!Number.isInteger(batch) || batch < 1) return null;
  if (f.steps.trim()) {
    const steps = Number(f.steps);
    return Number.isInteger(steps) && steps >= 1 ? steps * batch : null;
  }
  const epochs = Number(f.epochs);
  return epochs > 0 ? Math.ceil(epochs * Math.ceil(examples / batch)) * batch : null;
}

function input(datanet: string, version: number, f: Form) {
  return {
    datanet, versionNumber: version, rank: Number(f.rank), alpha: Number(f.alpha), learningRate: Number(f.learningRate),
    ...(f.steps.trim() ? { steps: Number(f.steps) } : { epochs: Number(f.epochs) }), batchSize: Number(f.batchSize), seed: Number(f.seed),
    ...(f.schedule ? { schedule: f.schedule } : {}),
    ...(f.labelSmoothing.trim() ? { labelSmoothing: Number(f.labelSmoothing) } : {}),
    ...(f.earlyStopping.trim() ? { earlyStopping: Number(f.earlyStopping) } : {}),
    ...(f.labelScoring ? { labelScoring: f.labelScoring } : {}),
  };
}

function Choice({ id, label, value, onChange, options, hint }: { id: string; label: string; value: string; onChange: (v: string) => void;
  options: [string, string][]; hint: string }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)} aria-describedby={`${id}-hint`}>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
      <span id={`${id}-hint`} class="muted">{hint}</span>
    </div>);
}

function Field({ id, label, value, onInput, hint, step }: { id: string; label: string; value: string; onInput: (v: string) => void; hint?: string; step?: string }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type="number" step={step ?? '1'} min="0" value={value} onInput={(e) => onInput((e.target as HTMLInputElement).value)}
        aria-describedby={hint ? `${id}-hint` : undefined} />
      {hint && <span id={`${id}-hint`} class="muted">{hint}</span>}
    </div>);
}

function StartForm({ initialDatanet }: { initialDatanet?: string }) {
  const who = useSignal(signer);
  const [datanet, setDatanet] = useState(initialDatanet && isHash(initialDatanet) ? initialDatanet : '');
  const [versionNumber, setVersionNumber] = useState(0);
  const [form, setForm] = useState<Form>(DEFAULTS);
  const [phase, setPhase] = useState<{ step: 'edit' } | { step: 'signing' } | { step: 'refused'; error: unknown }>({ step: 'edit' });
  const set = (k: keyof Form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));

  const list = useQuery<{ datanets: { nodes: DatanetRow[] } }>(DATANETS, { first: 25, after: null }, 'train:datanets');
  const chosen = useQuery<{ datanet: { id: string; name: string; versionCount: number; versions: { nodes: Version[] } } | null }>(
    TRAIN_DATANET, datanet ? { id: datanet } : null, `train:datanet:${datanet}`);
  const rule = useQuery<{ trainingCostRule: Rule }>(TRAIN_RULE, {}, 'train:rule');
  const balance = useQuery<{ account: { balance: string } | null }>(BALANCE, who ? { address: who.address } : null, `train:balance:${who?.address}`);

  const published = (list.data?.datanets.nodes ?? []).filter((d) => d.versionCount > 0);
  const versions = chosen.data?.datanet?.versions.nodes ?? [];
  const version = versions.find((v) => v.number === versionNumber) ?? versions[0];
  const r = rule.data?.trainingCostRule;
  const passes = version ? examplePasses(form, version.count) : null;
  const overBudget = r && passes !== null && passes > r.maxExamplePassesPerJob;
  const held = balance.data?.account?.balance ?? (balance.data ? '0' : null);
  const unfunded = r && held !== null && BigInt(held) < BigInt(r.minimumBalance);
  const recipe = recipeProblem(form);
  const blocked = !who || !version || passes === null || !!overBudget || !!unfunded || !!recipe || phase.step === 'signing';

  const start = async (e: Event) => {
    e.preventDefault();
    if (blocked || !who || !version) return;
    setPhase({ step: 'signing' });
    try {
      const i = input(datanet, version.number, form);
      const deadline = deadlineFromNow();
      const json = (await gql<{ trainingJobTypedData: string }>(TRAINING_TYPED, { i, owner: who.address, deadline })).trainingJobTypedData;
      const a = await authorize(json, who.address, deadline, 'StartTrainingJob', { datanet, versionNumber: String(version.number) });
      const job = (await gql<{ startTrainingJob: { id: string } }>(START_TRAINING, { i, a })).startTrainingJob;
      location.hash = href.training(job.id);
    } catch (error) {
      setPhase({ step: 'refused', error: error instanceof ApiError ? error : new ApiError('ERROR', String(error)) });
    }
  };

  return (
    <form class="train-form" onSubmit={start} aria-labelledby="train-start-title" data-testid="train-form">
      <h2 id="train-start-title">Start a training job</h2>
      {list.error && <ErrorBox error={list.error} title="Datanets could not be read" />}
      <div class="field">
        <label for="train-datanet">Datanet</label>
        <select id="train-datanet" value={datanet} onChange={(e) => { setDatanet((e.target as HTMLSelectElement).value); setVersionNumber(0); }}>
          <option value="">Choose a datanet with a published version</option>
          {datanet && !published.some((d) => d.id === datanet) && <option value={datanet}>{chosen.data?.datanet?.name ?? short(datanet)}</option>}
          {published.map((d) => <option key={d.id} value={d.id}>{d.name} ({d.versionCount} version{d.versionCount === 1 ? '' : 's'})</option>)}
        </select>
      </div>
      {list.data && published.length === 0 && !datanet && <Empty>No datanet has a published version yet: publish one from a datanet's page first.</Empty>}
      {chosen.error && <ErrorBox error={chosen.error} title="The datanet could not be read" />}
      {chosen.data && !chosen.data.datanet && <ErrorBox error={new ApiError('DatanetNotFound', `no datanet ${datanet} on this chain`)} title="No such datanet" />}
      {chosen.data?.datanet && versions.length === 0 && <ErrorBox error={new ApiError('VersionNotFound', 'this datanet has no published version yet')} title="Nothing to train on" />}
      {versions.length > 0 && (
        <div class="field">
          <label for="train-version">Version</label>
          <select id="train-version" value={String(version?.number ?? '')} onChange={(e) => setVersionNumber(Number((e.target as HTMLSelectElement).value))}>
            {versions.map((v) => <option key={v.number} value={String(v.number)}>version {v.number}: {v.count} approved, root {short(v.root, 4)}</option>)}
          </select>
        </div>)}
      <fieldset class="hyper">
        <legend>Hyperparameters (the node's defaults)</legend>
        <Field id="train-rank" label="LoRA rank" value={form.rank} onInput={set('rank')} />
        <Field id="train-alpha" label="LoRA alpha" value={form.alpha} onInput={set('alpha')} step="any" />
        <Field id="train-lr" label="Learning rate" value={form.learningRate} onInput={set('learningRate')} step="any" />
        <Field id="train-steps" label="Steps" value={form.steps} onInput={set('steps')} hint="empty: train by epochs" />
        <Field id="train-epochs" label="Epochs" value={form.epochs} onInput={set('epochs')} step="any" hint={form.steps.trim() ? 'steps given: epochs unused' : undefined} />
        <Field id="train-batch" label="Batch size" value={form.batchSize} onInput={set('batchSize')} />
        <Field id="train-seed" label="Seed" value={form.seed} onInput={set('seed')} />
      </fieldset>
      <details class="advanced" data-testid="train-advanced">
        <summary>Advanced recipe (empty: the node's defaults)</summary>
        <fieldset class="hyper">
          <legend>Recipe options</legend>
          <Choice id="train-schedule" label="Learning-rate schedule" value={form.schedule} onChange={set('schedule')} hint="after warmup"
            options={[['', 'default (cosine)'], ['cosine', 'cosine'], ['linear', 'linear'], ['constant', 'constant']]} />
          <Field id="train-smoothing" label="Label smoothing" value={form.labelSmoothing} onInput={set('labelSmoothing')} step="any"
            hint="0 to under 0.5; empty: none" />
          <Field id="train-early" label="Early stopping" value={form.earlyStopping} onInput={set('earlyStopping')}
            hint="held-out evaluations (of ten) without a lower loss, 1 to 10; keeps the best adapter; needs 20+ examples" />
          <Choice id="train-scoring" label="Label scoring" value={form.labelScoring} onChange={set('labelScoring')} hint="text-label accuracy"
            options={[['', 'default (sum)'], ['sum', 'sum of log-probabilities'], ['mean', 'mean (length-normalised)']]} />
        </fieldset>
        {recipe && <p class="warning" data-testid="train-recipe-problem">{recipe}</p>}
      </details>
      <div class="cost" data-testid="train-cost" aria-live="polite">
        {rule.error ? <ErrorBox error={rule.error} title="The cost rule could not be read" /> : !r ? <Loading what="the cost rule" /> : <>
          <p>The node lets an account's job train at most <strong>{r.maxExamplePassesPerJob.toLocaleString('en-US')}</strong> example passes
            (steps × batch size), keep at most {r.maxActiveJobsPerOwner} jobs queued or running, and asks it to hold at
            least <strong>{formatOpen(r.minimumBalance)}</strong> (nothing is charged).</p>
          {version && passes !== null && <p data-testid="train-passes">This job: <strong>{passes.toLocaleString('en-US')}</strong> example
            passes{form.steps.trim() ? '' : ` (at most, over ${version.count} examples)`}.</p>}
          {version && passes === null && <p class="warning">Give whole numbers for steps (or a positive epoch count) and batch size.</p>}
          {overBudget && <ErrorBox error={new ApiError('TrainingBudgetExceeded', `${passes} example passes is over the node's ${r.maxExamplePassesPerJob}; use fewer steps or a smaller batch.`)}
            title="Too large to start" />}
          {who && held !== null && <p>Your balance: {formatOpen(held)}.</p>}
          {unfunded && <ErrorBox error={new ApiError('AccountNotFunded', `starting a job needs at least ${formatOpen(r.minimumBalance)} in the account.`)} title="Not funded" />}
        </>}
      </div>
      {!who && <p class="warning">Connect a wallet (or, on a dev chain, pick a dev account) to sign the request: the job will be yours.</p>}
      <button type="submit" disabled={blocked}>{phase.step === 'signing' ? 'Waiting for the wallet and the node…' : 'Sign and start training'}</button>
      <div aria-live="polite">{phase.step === 'refused' && <ErrorBox error={phase.error} title="The job was not started" />}</div>
    </form>
  );
}

function MyJobs({ owner }: { owner: string }) {
  // The node lists the owner's jobs itself, however old (filtering its latest jobs here lost the older ones).
  const q = useQuery<{ trainingJobs: JobRow[] }>(OWNER_JOBS, { owner, limit: OWNER_JOBS_LIMIT }, `jobs:${owner}`);
  if (q.error) return <ErrorBox error={q.error} title="Training jobs could not be read" />;
  if (!q.data) return <Loading what="your training jobs" />;
  const mine = q.data.trainingJobs;
  if (mine.length === 0) return <Empty>You have not started a training job on this node yet.</Empty>;
  return (
    <table class="list" data-testid="my-jobs">
      <thead><tr><th scope="col">Job</th><th scope="col">Datanet</th><th scope="col">Status</th><th scope="col">Step</th>
        <th scope="col">Loss</th><th scope="col">Held-out loss</th><th scope="col">Started</th></tr></thead>
      <tbody>{mine.map((j) => (
        <tr key={j.id}><td><a href={href.training(j.id)} class="mono" title={j.id}>{short(j.id)}</a></td>
          <td><DatanetLink id={j.datanet} /> v{j.versionNumber}</td>
          <td><span class={`status ${j.status.toLowerCase()}`}>{j.status.toLowerCase()}</span></td>
          <td>{j.step} / {j.totalSteps || '—'}</td><td>{j.loss?.toFixed(3) ?? '—'}</td><td>{j.evalLoss?.toFixed(3) ?? '—'}</td>
          <td>{new Date(j.createdMs).toLocaleString()}</td></tr>))}</tbody>
    </table>);
}

export function Train({ datanet }: { datanet?: string }) {
  const who = useSignal(signer);
  return (
    <section aria-labelledby="train-title" data-ready="train">
      <h1 id="train-title">Model Factory</h1>
      <p>Fine-tune a LoRA adapter of the node's base model on a published datanet version. You sign the request; the job
        is yours, and once it succeeds you can register it as a model.</p>
      <StartForm initialDatanet={datanet} />
      <h2>Your training jobs</h2>
      {who ? <MyJobs owner={who.address} /> : <Empty>Connect a wallet to see the jobs you started.</Empty>}
    </section>
  );
}
