// The service-level dashboard's charts (Chart.js). Each <canvas class="calls-chart"> carries its figures in
// data-chart; the same figures stand in a table beside it. Charts are redrawn after htmx swaps the live part.
import Chart from "chart.js/auto";

const BLUE = "#234e8c";
const GREEN = "#1a7f37";
const RED = "#b3261e";

function hoursChart(data) {
  return {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: "着信", data: data.offered, backgroundColor: "#9db4d6" },
        { label: "10秒以内の応答", data: data.within, backgroundColor: BLUE },
        { label: "目標（着信の85%）", data: data.target, type: "line", borderColor: RED, borderDash: [6, 4],
          pointRadius: 0, fill: false },
      ],
    },
    options: { maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "件数" } } } },
  };
}

function daysChart(data) {
  return {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: "受電応答率（%）", data: data.level,
          backgroundColor: data.level.map((v) => (v !== null && v >= 85 ? GREEN : RED)) },
        { label: "目標 85%", data: data.target, type: "line", borderColor: "#333", borderDash: [6, 4], pointRadius: 0, fill: false },
      ],
    },
    options: { maintainAspectRatio: false, animation: false, scales: { y: { min: 0, max: 100, title: { display: true, text: "%" } } } },
  };
}

function draw(root) {
  for (const canvas of root.querySelectorAll("canvas.calls-chart")) {
    const data = JSON.parse(canvas.dataset.chart);
    const existing = Chart.getChart(canvas);
    if (existing) existing.destroy();
    new Chart(canvas, data.kind === "days" ? daysChart(data) : hoursChart(data));
  }
}

document.addEventListener("DOMContentLoaded", () => draw(document));
document.body.addEventListener("htmx:afterSwap", (event) => draw(event.target.parentElement || document));
