// A small uPlot line or bar chart. uPlot draws on a canvas and styles through the CSSOM, which the page's
// Content-Security-Policy (no inline styles) allows.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartProps { label: string; xs: number[]; ys: number[]; unit: string; height?: number; steps?: boolean; time?: boolean }

export function Chart({ label, xs, ys, unit, height = 160, steps = false, time = true }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = host.current!;
    const width = Math.max(240, el.clientWidth || 480);
    plot.current = new uPlot({
      width, height,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time } },
      // For a test: the largest value uPlot scaled the y axis over, and the axis' top. A point it left out of the
      // scale (an x repeated at the end: ui/cumulative.ts) makes the first smaller than the last value.
      hooks: { setScale: [(u, key) => {
        if (key !== 'y') return;
        el.dataset.scaledMax = String(u.series[1]?.max ?? '');
        el.dataset.yMax = String(u.scales.y.max ?? '');
      }] },
      axes: [{ stroke: '#5a6b7d' }, { stroke: '#5a6b7d', size: 50 }],
      series: [{}, { label: `${label} (${unit})`, stroke: '#1f6feb', width: 2, fill: 'rgba(31,111,235,0.12)',
        paths: steps ? uPlot.paths.stepped!({ align: 1 }) : undefined }],
    }, [xs, ys], el);
    const onResize = () => plot.current?.setSize({ width: Math.max(240, el.clientWidth), height });
    addEventListener('resize', onResize);
    return () => { removeEventListener('resize', onResize); plot.current?.destroy(); plot.current = null; };
  }, []);
  useEffect(() => { plot.current?.setData([xs, ys]); }, [xs, ys]);
  const last = ys.length ? ys[ys.length - 1] : 0;
  return (
    <figure class="chart">
      <figcaption>{label}: <span class="now">{Number.isInteger(last) ? last : last.toFixed(2)}</span> {unit}</figcaption>
      <div ref={host} data-last={last} role="img" aria-label={`${label} chart, latest ${last} ${unit}`} />
    </figure>
  );
}
