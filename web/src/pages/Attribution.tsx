// The attribution evidence of a settled inference, shown the same way on the inference page and in the playground: who
// the settlement paid and why (the top contributions with their text, share, influence and payout, each contributor
// linked to its account and each contribution to its datanet) and the output with the spans found verbatim in the
// training data highlighted, each naming the contributions that hold it.
import { useEffect } from 'preact/hooks';
import { EVIDENCE, type Attribution, type AttributionSpan, type ContributionRef, type InferenceData } from '../api/infer';
import { AccountLink, DatanetLink } from '../ui/links';
import { href } from '../ui/router';
import { formatOpen, short } from '../ui/format';
import { useQuery } from '../ui/useQuery';
import { Empty, ErrorBox, Loading } from '../ui/states';
import { excerpt } from './excerpt';

/** A span as a reader sees it: the tokenizer's markers (e.g. <|endoftext|>, which ends each training example) dropped. */
export const spanText = (text: string) => text.replace(/<\|[^|>]*\|>/g, '').trim();

/** A task example as a reader sees it: a text-label or prompt-completion example (stored as JSON) as "text → label";
 * plain text as it is. */
export function exampleText(text: string | null): string | null {
  if (text === null || !text.startsWith('{')) return text;
  try {
    const e = JSON.parse(text) as Record<string, unknown>;
    if (typeof e.text === 'string' && typeof e.label === 'string') return `${e.text} → ${e.label}`;
    if (typeof e.prompt === 'string' && typeof e.completion === 'string') return `${e.prompt} → ${e.completion}`;
  } catch { /* not JSON: shown as stored */ }
  return text;
}

/** A share (0 to 1) as a percentage with two decimals: the record's shares are floats, the payouts exact wei. */
const percent = (share: number) => `${(share * 100).toFixed(2)}%`;

/** Where a span's text occurs in the output, as character ranges. The record counts tokens; the text is what a reader
 * sees, so each span is found by its text, in order, from where the previous one started (spans may overlap). */
export function spanRanges(output: string, spans: AttributionSpan[]): { from: number; to: number; spans: number[] }[] {
  const ranges: { from: number; to: number; spans: number[] }[] = [];
  let cursor = 0;
  [...spans.keys()].sort((a, b) => spans[a].start - spans[b].start).forEach((i) => {
    const text = spans[i].text === null ? '' : spanText(spans[i].text!);
    if (!text) return;
    let at = output.indexOf(text, cursor);
    if (at < 0) at = output.indexOf(text);
    if (at < 0) return;
    cursor = at;
    ranges.push({ from: at, to: at + text.length, spans: [i] });
  });
  // Overlapping spans merge into one highlight that names all of them.
  ranges.sort((a, b) => a.from - b.from);
  const merged: typeof ranges = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.from < last.to) { last.to = Math.max(last.to, r.to); last.spans.push(...r.spans); }
    else merged.push({ ...r, spans: [...r.spans] });
  }
  return merged;
}

function ContributionName({ c, rank }: { c: ContributionRef | null; rank: Map<string, number> }) {
  if (!c) return <span class="muted">a contribution unknown to this chain</span>;
  const n = rank.get(c.id.toLowerCase());
  return (
    <span>
      {n !== undefined ? `#${n} ` : ''}<a href={href.datanet(c.datanetId)} class="mono" title={`${c.id} (datanet ${c.datanet?.name ?? c.datanetId})`}>{short(c.id, 4)}</a>
      {' '}in <DatanetLink id={c.datanetId} name={c.datanet?.name} />
    </span>);
}

/** What the evidence knows of a contribution a span names: the credited ones, by id (a span may name others). */
type Known = Map<string, ContributionRef>;

function Highlighted({ output, spans, rank }: { output: string; spans: AttributionSpan[]; rank: Map<string, number> }) {
  const ranges = spanRanges(output, spans);
  const parts = [];
  let at = 0;
  for (const [k, r] of ranges.entries()) {
    if (r.from > at) parts.push(output.slice(at, r.from));
    const names = r.spans.flatMap((i) => spans[i].contributionIds.map((id) => {
      const n = rank.get(id.toLowerCase());
      return n !== undefined ? `#${n}` : short(id, 4);
    }));
    parts.push(<mark key={k} data-span={r.spans.join(' ')} title={`In the training data: ${names.join(', ') || 'contributions not on this chain'}`}>
      {output.slice(r.from, r.to)}<span class="visually-hidden"> (found in training data: {names.join(', ')})</span></mark>);
    at = r.to;
  }
  if (at < output.length) parts.push(output.slice(at));
  return <p class="output highlighted" data-testid="evidence-output">{parts}</p>;
}

function Spans({ a, output, rank, known }: { a: Attribution; output: string | null; rank: Map<string, number>; known: Known }) {
  if (a.spans.length === 0) return <><h3>Spans found in the training data</h3><Empty>No span of the output occurs verbatim in the training data.</Empty></>;
  return (
    <>
      <h3>Spans found in the training data</h3>
      {output !== null && <Highlighted output={output} spans={a.spans} rank={rank} />}
      <table class="list" aria-label="Spans of the output found in the training data" data-testid="evidence-spans">
        <thead><tr><th scope="col">Span</th><th scope="col">Tokens</th><th scope="col">Occurrences</th><th scope="col">Held by</th></tr></thead>
        <tbody>{a.spans.map((s, i) => (
          <tr key={i}>
            <td>{s.text === null ? <span class="muted">(no text recorded)</span> : <q>{spanText(s.text)}</q>}</td>
            <td>{s.start}–{s.start + s.length}</td>
            <td>{s.count}</td>
            <td><ul class="plain">{s.contributionIds.map((id) => <li key={id}>{known.has(id.toLowerCase())
              ? <ContributionName c={known.get(id.toLowerCase())!} rank={rank} />
              : <span class="mono" title={id}>{short(id, 4)} <span class="muted">(not credited for this output)</span></span>}</li>)}</ul></td>
          </tr>))}</tbody>
      </table>
    </>);
}

/** The whole evidence of one inference: nothing until it is settled, then its record's contributions and spans, and
 * the settlement's credits to the owner and the protocol. */
export function AttributionEvidence({ inference }: { inference: InferenceData }) {
  const i = inference;
  const settled = i.status === 'SETTLED';
  const q = useQuery<{ inference: { attribution: Attribution | null } | null }>(EVIDENCE, settled ? { id: i.id } : null, `evidence:${i.id}:${i.record}`);
  // A settlement's record is stored before it commits; should a read race the store, read once more.
  const missing = settled && !!q.data && !q.data.inference?.attribution;
  useEffect(() => {
    if (!missing) return;
    const t = setTimeout(() => q.refresh(), 1500);
    return () => clearTimeout(t);
  }, [i.id, missing]);
  if (i.status !== 'SETTLED') {
    const why = i.status === 'EXPIRED' ? 'It expired unsettled: its escrow went back to the caller, nobody was paid.'
      : i.attributionFailure ? null
      : i.status === 'SERVED' ? 'Served; the attribution operator scores the training data and settles it in a block or two.'
      : 'Waiting for the output; the evidence follows its settlement.';
    return (
      <section aria-labelledby="evidence-title" class="evidence" data-testid="evidence" data-state={i.status.toLowerCase()}>
        <h2 id="evidence-title">Attribution evidence</h2>
        {why && <Empty>{why}</Empty>}
        {i.attributionFailure && (
          <div class="state error" role="alert">
            <p><code class="code" data-error-code={i.attributionFailure.code}>{i.attributionFailure.code}</code> The attribution of this inference failed
              {' '}({i.attributionFailure.attempts} {i.attributionFailure.attempts === 1 ? 'attempt' : 'attempts'}); it is tried again.</p>
            <p class="detail">{i.attributionFailure.message}</p>
          </div>)}
      </section>);
  }
  if (q.error) return (
    <section aria-labelledby="evidence-title" class="evidence" data-testid="evidence" data-state="error">
      <h2 id="evidence-title">Attribution evidence</h2><ErrorBox error={q.error} title="The evidence could not be read" /></section>);
  if (!q.data) return <Loading what="the attribution evidence" />;
  const a = q.data.inference?.attribution;
  if (!a) return (
    <section aria-labelledby="evidence-title" class="evidence" data-testid="evidence" data-state="no-record">
      <h2 id="evidence-title">Attribution evidence</h2>
      <Empty>Settled with record <span class="mono" title={i.record ?? ''}>{short(i.record)}</span>, which this node's content store does not
        hold (or which is not an attribution record): the payouts below are the chain's.</Empty>
      <Credits inference={i} />
    </section>);
  const rank = new Map(a.all.map((c, n) => [c.contributionId.toLowerCase(), n + 1]));
  const known: Known = new Map(a.all.flatMap((c) => c.contribution ? [[c.contributionId.toLowerCase(), c.contribution] as const] : []));
  const sum = a.all.reduce((s, c) => s + c.share, 0);
  return (
    <section aria-labelledby="evidence-title" class="evidence" data-testid="evidence" data-state="settled">
      <h2 id="evidence-title">Attribution evidence</h2>
      <p>Scored by <strong>{a.method}</strong> (at most {a.maxAttributions} contributions) over {a.outputTokens} output tokens; record{' '}
        <span class="mono" title={a.record.hash}>{short(a.record.hash)}</span>{!a.namesThisInference && <strong> (the record names another inference)</strong>}.</p>
      <h3>Top contributions</h3>
      {a.contributions.length === 0 ? <Empty>The record credits no contribution: the contributors' part went as the settlement rules say.</Empty> : (
        <table class="list evidence-table" aria-label="Contributions credited by the attribution" data-testid="evidence-contributions">
          <thead><tr><th scope="col">#</th><th scope="col">Contribution</th><th scope="col">Text</th><th scope="col">Share</th>
            <th scope="col">Influence</th><th scope="col">Payout</th><th scope="col">Contributor</th></tr></thead>
          <tbody>{a.contributions.map((c, n) => (
            <tr key={c.contributionId} data-id={c.contributionId} data-share={c.share} data-payout={c.payout ?? ''}>
              <th scope="row">{n + 1}</th>
              <td>{c.contribution ? <a href={href.datanet(c.contribution.datanetId)} class="mono" title={c.contributionId}>{short(c.contributionId, 4)}</a>
                : <span class="mono" title={c.contributionId}>{short(c.contributionId, 4)}</span>}
                {c.contribution && <> in <DatanetLink id={c.contribution.datanetId} name={c.contribution.datanet?.name} /></>}</td>
              <td class="excerpt" data-testid="evidence-text">{excerpt(exampleText(c.contribution?.text ?? null))}</td>
              <td>{percent(c.share)}<meter min={0} max={1} value={c.share} aria-label={`share ${percent(c.share)}`} /></td>
              <td class="num">{c.score.toPrecision(4)}</td>
              <td>{c.payout === null ? <span class="muted">not paid</span> : formatOpen(c.payout, 18)}</td>
              <td><AccountLink address={c.contribution?.contributor} /></td>
            </tr>))}</tbody>
          <tfoot><tr><td /><th scope="row" colSpan={2}>{a.contributions.length} shown of {a.all.length} credited; their shares sum to</th>
            <td data-testid="evidence-share-sum" data-sum={sum}>{percent(sum)}</td><td colSpan={3} /></tr></tfoot>
        </table>)}
      <Spans a={a} output={i.outputText} rank={rank} known={known} />
      <Credits inference={i} />
    </section>);
}

/** Every credit of the settlement (contributors, the model's owner, the protocol), exact to the wei. */
function Credits({ inference }: { inference: InferenceData }) {
  const credits = inference.rewards;
  if (credits.length === 0) return null;
  const total = credits.reduce((s, c) => s + BigInt(c.amount ?? '0'), 0n);
  return (
    <>
      <h3>The settlement's credits</h3>
      <table class="list" aria-label="Credits of the settlement" data-testid="evidence-credits">
        <thead><tr><th scope="col">Role</th><th scope="col">Account</th><th scope="col">Amount</th></tr></thead>
        <tbody>{credits.map((c) => (
          <tr key={`${c.height}:${c.sequence}`} data-role={c.detail ?? ''} data-amount={c.amount ?? ''}>
            <td>{c.detail}</td><td><AccountLink address={c.party} /></td><td>{formatOpen(c.amount, 18)}</td>
          </tr>))}</tbody>
        <tfoot><tr><th scope="row" colSpan={2}>Total (the escrow: {formatOpen(inference.escrow, 18)})</th><td data-testid="evidence-credit-total">{formatOpen(total, 18)}</td></tr></tfoot>
      </table>
    </>);
}
