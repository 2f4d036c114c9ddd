// A self-contained HTML page with two SVG line charts of a load-test run: packets per
// second (sent, received) and one-way latency (p50, p95, p99) over time.
import type { LoadTestSummary } from './summary.js';

interface Line { label: string; color: string; ys: number[] }

function niceStep(x: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(x)));
  const m = x / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

function svgChart(title: string, unit: string, xs: number[], lines: Line[], w = 860, h = 260): string {
  const pad = { l: 60, r: 170, t: 28, b: 34 };
  const finite = lines.flatMap((l) => l.ys.filter((y) => Number.isFinite(y)));
  const step = niceStep(Math.max(1e-9, ...finite) / 4);
  const yMax = step * Math.ceil((Math.max(1e-9, ...finite) * 1.05) / step);
  const xMax = Math.max(1, ...xs);
  const X = (x: number): number => pad.l + (x / xMax) * (w - pad.l - pad.r);
  const Y = (y: number): number => h - pad.b - (y / yMax) * (h - pad.t - pad.b);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="11">`);
  parts.push(`<text x="${pad.l}" y="16" font-size="13" font-weight="bold">${title}</text>`);
  for (let k = 0; k * step <= yMax + 1e-9; k++) {
    const y = k * step;
    parts.push(`<line x1="${pad.l}" x2="${w - pad.r}" y1="${Y(y).toFixed(1)}" y2="${Y(y).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${pad.l - 6}" y="${(Y(y) + 4).toFixed(1)}" text-anchor="end">${y >= 100 ? y.toFixed(0) : y.toFixed(2)}</text>`);
  }
  for (let k = 0; k <= 5; k++) {
    const x = (xMax * k) / 5;
    parts.push(`<text x="${X(x).toFixed(1)}" y="${h - pad.b + 16}" text-anchor="middle">${x.toFixed(0)}s</text>`);
  }
  parts.push(`<text x="14" y="${(h / 2).toFixed(0)}" transform="rotate(-90 14 ${(h / 2).toFixed(0)})" text-anchor="middle">${unit}</text>`);
  lines.forEach((l, i) => {
    const pts = xs.map((x, j) => (Number.isFinite(l.ys[j]) ? `${X(x).toFixed(1)},${Y(l.ys[j]!).toFixed(1)}` : '')).filter(Boolean).join(' ');
    parts.push(`<polyline fill="none" stroke="${l.color}" stroke-width="1.8" points="${pts}"/>`);
    parts.push(`<rect x="${w - pad.r + 12}" y="${pad.t + i * 18}" width="12" height="3" fill="${l.color}"/><text x="${w - pad.r + 30}" y="${pad.t + i * 18 + 5}">${l.label}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function chartHtml(s: LoadTestSummary, summaryText: string): string {
  const xs = s.series.map((p) => p.t);
  const pps = svgChart('Packets per second', 'packets/s', xs, [
    { label: 'sent (publishers)', color: '#1f77b4', ys: s.series.map((p) => p.sentPps) },
    { label: 'received (subscribers)', color: '#2ca02c', ys: s.series.map((p) => p.recvPps) },
  ]);
  const lat = svgChart('One-way latency (publisher send -> subscriber receive)', 'ms', xs, [
    { label: 'p50', color: '#2ca02c', ys: s.series.map((p) => p.latP50) },
    { label: 'p95', color: '#ff7f0e', ys: s.series.map((p) => p.latP95) },
    { label: 'p99', color: '#d62728', ys: s.series.map((p) => p.latP99) },
  ]);
  const cpu = svgChart('CPU (% of one core)', '%', xs, [
    { label: 'clients', color: '#9467bd', ys: s.series.map((p) => p.clientCpuPct) },
    { label: 'server (in-process)', color: '#8c564b', ys: s.series.map((p) => p.serverCpuPct) },
  ]);
  return `<!doctype html><meta charset="utf-8"><title>Switchboard load test</title>
<body style="font-family:sans-serif;max-width:960px;margin:20px auto">
<h2>Switchboard load test</h2>
${pps}
${lat}
${cpu}
<pre style="font-size:11px;overflow-x:auto">${esc(summaryText)}</pre>
</body>`;
}
