// Bar charts (Chart.js), imported dynamically by the views that draw one (the studio's earnings, the admin's
// reconciliation), so no other page's bundle carries Chart.js. Each canvas has an aria-label; the numbers are also in a table.
import { Chart, BarController, BarElement, CategoryScale, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export function bars(canvas, labels, values, label) {
  const existing = Chart.getChart(canvas);
  if (existing) existing.destroy();
  return new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets: [{ label, data: values, backgroundColor: '#ff2d6f' }] },
    options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } },
      scales: { x: { ticks: { color: '#aaa' } }, y: { beginAtZero: true, ticks: { color: '#aaa', precision: 0 } } } },
  });
}
