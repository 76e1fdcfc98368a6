#!/usr/bin/env python3
"""Draws test accuracy against cumulative uplink bytes (log scale) for the
compression matrix runs, as a self-contained SVG.
Usage: chart.py OUT_DIR SVG_PATH CODEC..."""
import csv
import math
import os
import sys


def series(out, codec):
    tag = codec.replace(':', '_').replace('+', '_').replace('=', '_')
    cum, pts = 0, []
    for r in csv.DictReader(open(os.path.join(out, tag, 'rounds.csv'))):
        cum += int(r['uplink_bytes'])
        if r['test_accuracy']:
            pts.append((cum, float(r['test_accuracy'])))
    return pts


def main():
    out, svg_path, codecs = sys.argv[1], sys.argv[2], sys.argv[3:]
    data = [(c, series(out, c)) for c in codecs]
    W, H, L, R, T, B = 720, 400, 60, 170, 20, 50
    xs = [x for _, s in data for x, _ in s]
    x0, x1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    y0, y1 = 0.5, 0.9
    sx = lambda x: L + (math.log10(x) - x0) / (x1 - x0) * (W - L - R)
    sy = lambda y: H - B - (min(max(y, y0), y1) - y0) / (y1 - y0) * (H - T - B)
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
         f'<rect width="{W}" height="{H}" fill="white"/>']
    for e in range(x0, x1 + 1):
        o.append(f'<line x1="{sx(10**e):.1f}" x2="{sx(10**e):.1f}" y1="{T}" y2="{H-B}" stroke="#eee"/>')
        o.append(f'<text x="{sx(10**e):.1f}" y="{H-B+15}" text-anchor="middle">1e{e}</text>')
    for i in range(5):
        y = y0 + (y1 - y0) * i / 4
        o.append(f'<line x1="{L}" x2="{W-R}" y1="{sy(y):.1f}" y2="{sy(y):.1f}" stroke="#eee"/>')
        o.append(f'<text x="{L-5}" y="{sy(y)+4:.1f}" text-anchor="end">{y:.2f}</text>')
    o.append(f'<line x1="{L}" x2="{W-R}" y1="{sy(0.8):.1f}" y2="{sy(0.8):.1f}" stroke="#999" stroke-dasharray="4 3"/>')
    o.append(f'<text x="{(L+W-R)/2}" y="{H-12}" text-anchor="middle">cumulative uplink bytes (log)</text>')
    o.append(f'<text x="14" y="{(T+H-B)/2}" transform="rotate(-90 14 {(T+H-B)/2})" text-anchor="middle">test accuracy</text>')
    colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728']
    for i, (codec, pts) in enumerate(data):
        path = ' '.join(f'{sx(x):.1f},{sy(y):.1f}' for x, y in pts)
        o.append(f'<polyline fill="none" stroke="{colors[i % 4]}" stroke-width="1.8" points="{path}"/>')
        o.append(f'<line x1="{W-R+10}" x2="{W-R+30}" y1="{T+15+i*18}" y2="{T+15+i*18}" stroke="{colors[i % 4]}" stroke-width="2"/>')
        o.append(f'<text x="{W-R+35}" y="{T+19+i*18}">{codec}</text>')
    o.append('</svg>')
    open(svg_path, 'w').write('\n'.join(o) + '\n')


if __name__ == '__main__':
    main()
