// The live loss chart (uPlot), loaded only when a run starts: the first screen does not need it.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface LossSeries {
  steps: number[];
  loss: (number | null)[];
  val: (number | null)[];
}

export interface LossChart {
  /** Redraws from the series (call at most once per animation frame). */
  update(): void;
  destroy(): void;
}

export function createLossChart(el: HTMLElement, series: LossSeries): LossChart {
  const width = () => Math.max(280, el.clientWidth);
  const plot = new uPlot(
    {
      width: width(),
      height: 240,
      scales: { x: { time: false } },
      axes: [{ label: 'step' }, { label: 'loss (nats/char)' }],
      series: [
        { label: 'step' },
        { label: 'train loss', stroke: '#0b57d0', width: 1.5 },
        {
          label: 'val loss',
          stroke: '#c5221f',
          width: 2,
          spanGaps: true,
          points: { show: true, size: 6 },
        },
      ],
      legend: { live: false },
    },
    [series.steps, series.loss, series.val],
    el,
  );
  const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 240 }));
  resize.observe(el);
  return {
    update() {
      plot.setData([series.steps, series.loss, series.val]);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
