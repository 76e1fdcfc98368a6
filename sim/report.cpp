#include "sim/report.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

namespace fedq::sim {
namespace {

// CSV and JSON carry NaN as an empty cell / null: neither format has NaN.
std::string Num(double v) {
  if (!std::isfinite(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

nlohmann::json JsonNum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nullptr; }

Status WriteFileAtomically(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return IoError("cannot create " + tmp.string());
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) return IoError("cannot write " + tmp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return IoError("cannot rename " + tmp.string() + ": " + ec.message());
  return Status::Ok();
}

// The page: data as JSON in a script tag, drawn into inline SVG by a small
// script, so it opens from disk with no server and no network.
constexpr const char* kPageHead = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fedq simulation report</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.4em} h2{font-size:1.1em;margin-top:1.5em}
table{border-collapse:collapse;font-size:.9em} td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f4f4f4} .charts{display:flex;flex-wrap:wrap;gap:1.5em}
svg{background:#fff;border:1px solid #ddd} .axis{stroke:#888} .grid{stroke:#eee}
.line{fill:none;stroke:#1f77b4;stroke-width:2} text{font-size:11px;fill:#444}
</style></head><body>
<h1>fedq simulation report</h1>
<div id="summary"></div>
<div class="charts">
<div><h2>Test accuracy per round</h2><svg id="acc_round" width="520" height="320"></svg></div>
<div><h2>Test accuracy against cumulative uplink bytes</h2><svg id="acc_bytes" width="520" height="320"></svg></div>
</div>
<h2>Rounds</h2><div id="rounds"></div>
<script id="data" type="application/json">)";

constexpr const char* kPageTail = R"(</script>
<script>
const D = JSON.parse(document.getElementById('data').textContent);
const NS = 'http://www.w3.org/2000/svg';
function el(svg, tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  svg.appendChild(e); return e;
}
function human(b) {
  const u = ['B','kB','MB','GB','TB']; let i = 0;
  while (b >= 1000 && i < u.length - 1) { b /= 1000; i++; }
  return b.toFixed(b < 10 ? 1 : 0) + ' ' + u[i];
}
function chart(id, pts, xlabel, xfmt) {
  const svg = document.getElementById(id), W = 520, H = 320, L = 55, R = 15, T = 15, B = 45;
  pts = pts.filter(p => p[1] !== null);
  if (pts.length === 0) { el(svg, 'text', {x: 20, y: 30}, 'no evaluated rounds'); return; }
  let x0 = Math.min(...pts.map(p => p[0])), x1 = Math.max(...pts.map(p => p[0]));
  if (x1 === x0) x1 = x0 + 1;
  let y0 = Math.min(...pts.map(p => p[1])), y1 = Math.max(...pts.map(p => p[1]));
  y0 = Math.max(0, Math.floor(y0 * 10) / 10); y1 = Math.min(1, Math.ceil(y1 * 10 + 1e-9) / 10);
  if (y1 <= y0) y1 = y0 + 0.1;
  const sx = x => L + (x - x0) / (x1 - x0) * (W - L - R), sy = y => H - B - (y - y0) / (y1 - y0) * (H - T - B);
  for (let i = 0; i <= 5; i++) {
    const y = y0 + (y1 - y0) * i / 5, x = x0 + (x1 - x0) * i / 5;
    el(svg, 'line', {x1: L, x2: W - R, y1: sy(y), y2: sy(y), class: 'grid'});
    el(svg, 'text', {x: L - 6, y: sy(y) + 4, 'text-anchor': 'end'}, y.toFixed(2));
    el(svg, 'text', {x: sx(x), y: H - B + 16, 'text-anchor': 'middle'}, xfmt(x));
  }
  el(svg, 'line', {x1: L, x2: L, y1: T, y2: H - B, class: 'axis'});
  el(svg, 'line', {x1: L, x2: W - R, y1: H - B, y2: H - B, class: 'axis'});
  el(svg, 'text', {x: (L + W - R) / 2, y: H - 8, 'text-anchor': 'middle'}, xlabel);
  el(svg, 'text', {x: 14, y: (T + H - B) / 2, transform: `rotate(-90 14 ${(T + H - B) / 2})`,
                   'text-anchor': 'middle'}, 'test accuracy');
  el(svg, 'polyline', {class: 'line', points: pts.map(p => sx(p[0]) + ',' + sy(p[1])).join(' ')});
}
let cum = 0;
const byRound = [], byBytes = [];
for (const r of D.rounds) {
  cum += r.uplink_bytes;
  byRound.push([r.round, r.test_accuracy]); byBytes.push([cum, r.test_accuracy]);
}
chart('acc_round', byRound, 'round', x => Math.round(x));
chart('acc_bytes', byBytes, 'cumulative uplink bytes', human);
const s = D.summary;
let h = '<table>';
for (const [k, v] of Object.entries(s)) {
  if (k === 'config') continue;
  const shown = (typeof v === 'number' && k.endsWith('bytes') || k.endsWith('bytes_fp32')) ? v + ' (' + human(v) + ')' : v;
  h += `<tr><th>${k}</th><td>${shown}</td></tr>`;
}
for (const [k, v] of Object.entries(s.config || {})) h += `<tr><th>config.${k}</th><td>${JSON.stringify(v)}</td></tr>`;
document.getElementById('summary').innerHTML = h + '</table>';
const cols = ['round','test_accuracy','test_loss','train_loss','uplink_bytes','downlink_bytes','participants','duration_seconds'];
let t = '<table><tr>' + cols.map(c => `<th>${c}</th>`).join('') + '</tr>';
for (const r of D.rounds) t += '<tr>' + cols.map(c => `<td>${r[c] === null ? '' : r[c]}</td>`).join('') + '</tr>';
document.getElementById('rounds').innerHTML = t + '</table>';
</script></body></html>
)";

nlohmann::json RoundJson(const RoundRecord& r) {
  return {{"round", r.round},
          {"test_accuracy", JsonNum(r.test_accuracy)},
          {"test_loss", JsonNum(r.test_loss)},
          {"train_loss", JsonNum(r.train_loss)},
          {"uplink_bytes", r.uplink_bytes},
          {"downlink_bytes", r.downlink_bytes},
          {"participants", r.participants},
          {"duration_seconds", JsonNum(r.duration_seconds)}};
}

}  // namespace

RunSummary Summarize(const std::vector<RoundRecord>& rounds, uint64_t fp32_update_bytes) {
  RunSummary s;
  s.final_test_accuracy = std::nan("");
  s.final_test_loss = std::nan("");
  for (const RoundRecord& r : rounds) {
    s.uplink_bytes += r.uplink_bytes;
    s.downlink_bytes += r.downlink_bytes;
    s.uplink_bytes_fp32 += fp32_update_bytes * static_cast<uint64_t>(r.participants);
    if (std::isfinite(r.test_accuracy)) {
      s.final_test_accuracy = r.test_accuracy;
      s.final_test_loss = r.test_loss;
    }
  }
  s.rounds = static_cast<int64_t>(rounds.size());
  return s;
}

std::string RoundsCsv(const std::vector<RoundRecord>& rounds) {
  std::ostringstream out;
  out << "round,test_accuracy,test_loss,train_loss,uplink_bytes,downlink_bytes,participants,"
         "duration_seconds\n";
  for (const RoundRecord& r : rounds) {
    out << r.round << ',' << Num(r.test_accuracy) << ',' << Num(r.test_loss) << ','
        << Num(r.train_loss) << ',' << r.uplink_bytes << ',' << r.downlink_bytes << ','
        << r.participants << ',' << Num(r.duration_seconds) << '\n';
  }
  return out.str();
}

nlohmann::json SummaryJson(const RunSummary& s) {
  return {{"run", s.run_name},
          {"final_test_accuracy", JsonNum(s.final_test_accuracy)},
          {"final_test_loss", JsonNum(s.final_test_loss)},
          {"rounds", s.rounds},
          {"uplink_bytes", s.uplink_bytes},
          {"uplink_bytes_fp32", s.uplink_bytes_fp32},
          {"downlink_bytes", s.downlink_bytes},
          {"wall_seconds", JsonNum(s.wall_seconds)},
          {"config", s.config}};
}

std::string ReportHtml(const RunSummary& summary, const std::vector<RoundRecord>& rounds) {
  nlohmann::json data = {{"summary", SummaryJson(summary)}, {"rounds", nlohmann::json::array()}};
  for (const RoundRecord& r : rounds) data["rounds"].push_back(RoundJson(r));
  // "</" inside the data would close the script element early.
  std::string text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string safe;
  safe.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') {
      safe += "<\\/";
      ++i;
    } else {
      safe += text[i];
    }
  }
  return std::string(kPageHead) + safe + kPageTail;
}

Status WriteReport(const std::filesystem::path& dir, const RunSummary& summary,
                   const std::vector<RoundRecord>& rounds) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError("cannot create report directory " + dir.string() + ": " + ec.message());
  FEDQ_RETURN_IF_ERROR(WriteFileAtomically(dir / "rounds.csv", RoundsCsv(rounds)));
  FEDQ_RETURN_IF_ERROR(WriteFileAtomically(
      dir / "summary.json",
      SummaryJson(summary).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"));
  return WriteFileAtomically(dir / "index.html", ReportHtml(summary, rounds));
}

}  // namespace fedq::sim
