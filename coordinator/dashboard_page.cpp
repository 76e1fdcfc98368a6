#include "coordinator/dashboard_page.hpp"

namespace fedq::coordinator {
namespace {

constexpr std::string_view kPage = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fedq coordinator</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; background: #fafafa; }
  h1 { font-size: 1.3em; margin: 0 0 .5em 0; }
  .stats span { display: inline-block; margin-right: 2em; }
  .stats b { font-size: 1.3em; }
  .charts { display: flex; flex-wrap: wrap; gap: 1em; margin: 1em 0; }
  .chart { background: #fff; border: 1px solid #ddd; padding: .5em; }
  .chart h2 { font-size: 1em; margin: 0 0 .3em 0; }
  table { border-collapse: collapse; background: #fff; }
  td, th { border: 1px solid #ddd; padding: .25em .6em; text-align: left; }
  .on { color: #080; } .off { color: #999; } #error { color: #b00; }
</style>
</head>
<body>
<h1>fedq coordinator</h1>
<div class="stats">
  <span>run <select id="run"></select></span>
  <span>current round <b id="current">-</b></span>
  <span>rounds completed <b id="completed">-</b></span>
  <span>clients connected <b id="connected">-</b></span>
  <span>last test accuracy <b id="accuracy">-</b></span>
</div>
<div id="error"></div>
<div class="charts">
  <div class="chart"><h2>test accuracy per round</h2><canvas id="acc" width="420" height="220"></canvas></div>
  <div class="chart"><h2>test loss per round</h2><canvas id="loss" width="420" height="220"></canvas></div>
  <div class="chart"><h2>uplink bytes per round</h2><canvas id="bytes" width="420" height="220"></canvas></div>
</div>
<h2 style="font-size:1em">clients</h2>
<table><thead><tr><th>name</th><th>state</th><th>rounds</th><th>last seen</th><th>fingerprint</th></tr></thead>
<tbody id="clients"></tbody></table>
<script>
"use strict";
const REFRESH_MS = 5000;

function metricValue(text, name) {
  for (const line of text.split("\n")) {
    if (line.startsWith(name + " ")) return Number(line.slice(name.length + 1));
  }
  return NaN;
}

function drawChart(id, xs, ys, color) {
  const c = document.getElementById(id), g = c.getContext("2d");
  const W = c.width, H = c.height, L = 60, B = 24, T = 8, R = 10;
  g.clearRect(0, 0, W, H);
  g.strokeStyle = "#888"; g.fillStyle = "#444"; g.font = "11px sans-serif";
  g.beginPath(); g.moveTo(L, T); g.lineTo(L, H - B); g.lineTo(W - R, H - B); g.stroke();
  const pts = xs.map((x, i) => [x, ys[i]]).filter(p => p[1] !== null && isFinite(p[1]));
  if (pts.length === 0) { g.fillText("no data yet", L + 10, H / 2); return; }
  let x0 = Math.min(...pts.map(p => p[0])), x1 = Math.max(...pts.map(p => p[0]));
  let y0 = Math.min(...pts.map(p => p[1])), y1 = Math.max(...pts.map(p => p[1]));
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) { y1 = y0 + Math.abs(y0 || 1) * 0.1; y0 = y0 - Math.abs(y0 || 1) * 0.1; }
  const sx = x => L + (x - x0) / (x1 - x0) * (W - L - R);
  const sy = y => H - B - (y - y0) / (y1 - y0) * (H - B - T);
  const fmt = v => Math.abs(v) >= 1e4 ? v.toExponential(1) : v.toPrecision(3);
  g.fillText(fmt(y1), 2, T + 8); g.fillText(fmt(y0), 2, H - B);
  g.fillText(String(x0), L, H - 8); g.fillText(String(x1), W - R - 20, H - 8);
  g.strokeStyle = color; g.lineWidth = 2; g.beginPath();
  pts.forEach((p, i) => i === 0 ? g.moveTo(sx(p[0]), sy(p[1])) : g.lineTo(sx(p[0]), sy(p[1])));
  g.stroke(); g.fillStyle = color;
  for (const p of pts) { g.beginPath(); g.arc(sx(p[0]), sy(p[1]), 2.5, 0, 7); g.fill(); }
}

async function getJson(path) {
  const r = await fetch(path, {cache: "no-store"});
  if (!r.ok) throw new Error(path + ": HTTP " + r.status);
  return r.json();
}

async function refreshRuns() {
  const runs = await getJson("/api/runs"), sel = document.getElementById("run");
  const chosen = sel.value;
  sel.textContent = "";
  for (const run of runs) {
    const o = document.createElement("option");
    o.value = run.id; o.textContent = run.id + ": " + run.name + " (" + run.strategy + ")";
    sel.appendChild(o);
  }
  if (runs.length) sel.value = chosen && runs.some(r => String(r.id) === chosen) ? chosen : runs[runs.length - 1].id;
  return sel.value;
}

async function refreshRounds(run) {
  const rounds = run ? (await getJson("/api/rounds?run=" + encodeURIComponent(run)))
                         .filter(r => r.status === "committed") : [];
  const xs = rounds.map(r => r.round);
  drawChart("acc", xs, rounds.map(r => r.test_accuracy), "#1565c0");
  drawChart("loss", xs, rounds.map(r => r.test_loss), "#c62828");
  drawChart("bytes", xs, rounds.map(r => r.bytes_up), "#2e7d32");
}

async function refreshClients() {
  const clients = await getJson("/api/clients"), body = document.getElementById("clients");
  body.textContent = "";
  for (const c of clients) {
    const tr = document.createElement("tr");
    const cells = [c.name, c.connected ? "connected" : "offline", c.rounds_participated,
                   new Date(c.last_seen_ms).toISOString(), c.fingerprint.slice(0, 16)];
    cells.forEach((v, i) => {
      const td = document.createElement("td"); td.textContent = String(v);
      if (i === 1) td.className = c.connected ? "on" : "off";
      tr.appendChild(td);
    });
    body.appendChild(tr);
  }
}

async function refreshMetrics() {
  const text = await (await fetch("/metrics", {cache: "no-store"})).text();
  const show = (id, name, digits) => {
    const v = metricValue(text, name);
    document.getElementById(id).textContent = isNaN(v) ? "-" : (digits ? v.toFixed(digits) : String(v));
  };
  show("current", "fedq_current_round"); show("completed", "fedq_rounds_completed_total");
  show("connected", "fedq_clients_connected"); show("accuracy", "fedq_last_test_accuracy", 4);
}

async function refresh() {
  try {
    const run = await refreshRuns();
    await Promise.all([refreshRounds(run), refreshClients(), refreshMetrics()]);
    document.getElementById("error").textContent = "";
  } catch (e) {
    document.getElementById("error").textContent = "refresh failed: " + e.message;
  }
  setTimeout(refresh, REFRESH_MS);
}
document.getElementById("run").addEventListener("change", () => refreshRounds(document.getElementById("run").value));
refresh();
</script>
</body>
</html>
)html";

}  // namespace

std::string_view DashboardPage() { return kPage; }

}  // namespace fedq::coordinator
