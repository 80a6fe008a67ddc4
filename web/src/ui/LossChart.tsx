// A training job's loss curve: the training loss at each reported step and the held-out loss where it was evaluated,
// against the step (not time). Points are appended as the job's subscription reports them; uPlot redraws in place.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface LossPoint { step: number; loss: number | null; evalLoss: number | null }

export function LossChart({ points, height = 200 }: { points: LossPoint[]; height?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = (): uPlot.AlignedData => [points.map((p) => p.step), points.map((p) => p.loss), points.map((p) => p.evalLoss)];
  useEffect(() => {
    const el = host.current!;
    plot.current = new uPlot({
      width: Math.max(240, el.clientWidth || 480), height,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false } },
      axes: [{ stroke: '#5a6b7d', label: 'step' }, { stroke: '#5a6b7d', size: 50 }],
      series: [{},
        { label: 'training loss', stroke: '#0b4fb3', width: 2, spanGaps: true },
        { label: 'held-out loss', stroke: '#8a4500', width: 2, dash: [6, 4], spanGaps: true, points: { show: true } }],
    }, data(), el);
    const onResize = () => plot.current?.setSize({ width: Math.max(240, el.clientWidth), height });
    addEventListener('resize', onResize);
    return () => { removeEventListener('resize', onResize); plot.current?.destroy(); plot.current = null; };
  }, []);
  useEffect(() => { plot.current?.setData(data()); }, [points]);
  const last = points[points.length - 1];
  return (
    <figure class="chart loss-chart">
      <figcaption>Loss by step: <span class="legend-train">training</span> and <span class="legend-eval">held-out</span>
        {' '}(<span data-testid="loss-points">{points.length}</span> points)</figcaption>
      <div ref={host} role="img" data-testid="loss-chart"
        aria-label={`Loss chart, ${points.length} points${last ? `, latest step ${last.step} loss ${last.loss?.toFixed(3) ?? 'none'}` : ''}`} />
    </figure>
  );
}
