#!/usr/bin/env python3
"""make bench's report (scripts/bench.sh): RAW (the guest's "OP,N,FS,NS,OPS"
lines, one per run of tests/bench/bench.sh) -> the table on stdout, CSV and
an SVG plot (time per op against layer count, one line per filesystem, one
panel per op). Each figure is the fastest of the runs (the guest alternates
the filesystems between runs). Python 3 standard library only.

usage: bench-report.py RAW CSV SVG TITLE
"""
import math
import sys
from xml.sax.saxutils import escape

FSS = ["tmpfs", "overlayfs", "aufs_rs", "aufs_rs_wh"]
COLORS = {"tmpfs": "#888888", "overlayfs": "#1f77b4", "aufs_rs": "#d62728", "aufs_rs_wh": "#ff9f1c"}
LABELS = {"aufs_rs_wh": "aufs_rs ro+wh"}
UNITS = {"read-MiB": "us per MiB", "write-MiB": "us per MiB"}


def main(raw, csv_path, svg_path, title):
    best, ops, layers = {}, [], []
    with open(raw) as f:
        for line in f:
            parts = line.strip().split(",")
            if len(parts) != 5:
                continue
            op, n, fs, ns, count = parts[0], int(parts[1]), parts[2], int(parts[3]), int(parts[4])
            if count <= 0:
                continue
            us = ns / count / 1000.0
            key = (op, n, fs)
            best[key] = min(best.get(key, us), us)
            if op not in ops:
                ops.append(op)
            if n not in layers:
                layers.append(n)
    if not best:
        sys.exit("bench-report: no results in " + raw)
    layers.sort()

    rows = []
    for op in ops:
        for wh in (False, True):
            aufs = "aufs_rs_wh" if wh else "aufs_rs"
            for n in layers:
                if (op, n, aufs) not in best:
                    continue
                cells = [best.get((op, n, fs)) for fs in ("tmpfs", "overlayfs", aufs)]
                ratio = cells[2] / cells[1] if cells[1] and cells[2] is not None else None
                rows.append((op + (" ro+wh" if wh else ""), n, cells, ratio))

    def num(v):
        return "n/a" if v is None else "%.1f" % v if v >= 10 else "%.2f" % v

    print("us per op (read/write: per MiB), fastest run; " + title)
    print("%-24s %6s %10s %10s %10s %8s" % ("op", "layers", "tmpfs", "overlayfs", "aufs_rs", "ratio"))
    with open(csv_path, "w") as out:
        out.write("op,layers,tmpfs_us,overlayfs_us,aufs_rs_us,aufs_rs/overlayfs\n")
        for op, n, cells, ratio in rows:
            r = "n/a" if ratio is None else "%.2f" % ratio
            print("%-24s %6d %10s %10s %10s %8s" % (op, n, num(cells[0]), num(cells[1]), num(cells[2]), r))
            out.write("%s,%d,%s,%s,%s,%s\n" % (op, n, *["" if c is None else "%.3f" % c for c in cells],
                                                "" if ratio is None else "%.3f" % ratio))
    plot(best, ops, layers, svg_path, title)


def plot(best, ops, layers, path, title):
    cols, pw, ph, ml, mt = 3, 300, 210, 55, 30
    rows = (len(ops) + cols - 1) // cols
    width, height = cols * pw + 20, rows * ph + 70
    xs = {n: math.log10(n) for n in layers}
    xmax = max(xs.values()) or 1
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">'
           % (width, height), '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="18" font-size="13">%s</text>' % escape("aufs_rs bench: us per op against lower layers; "
                                                                   + title)]
    for i, fs in enumerate(FSS):
        x = 10 + i * 150
        out.append('<line x1="%d" y1="36" x2="%d" y2="36" stroke="%s" stroke-width="2"/>' % (x, x + 20, COLORS[fs]))
        out.append('<text x="%d" y="40">%s</text>' % (x + 25, LABELS.get(fs, fs)))
    for k, op in enumerate(ops):
        ox, oy = (k % cols) * pw + 10, (k // cols) * ph + 55
        iw, ih = pw - ml - 15, ph - mt - 35
        vals = [best[(op, n, fs)] for n in layers for fs in FSS if (op, n, fs) in best]
        ymax = max(vals) * 1.1 or 1
        px = lambda n: ox + ml + (xs[n] / xmax) * iw
        py = lambda v: oy + mt + ih - v / ymax * ih
        out.append('<text x="%d" y="%d" font-weight="bold">%s (%s)</text>'
                   % (ox + ml, oy + 18, escape(op), UNITS.get(op, "us per op")))
        out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#ccc"/>' % (ox + ml, oy + mt, iw, ih))
        for j in range(5):
            v = ymax * j / 4
            out.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>' % (ox + ml - 4, py(v) + 4, "%.3g" % v))
        for n in layers:
            out.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>' % (px(n), oy + mt + ih + 14, n))
        out.append('<text x="%d" y="%d" text-anchor="middle">layers (log)</text>' % (ox + ml + iw / 2, oy + mt + ih + 27))
        for fs in FSS:
            pts = [(px(n), py(best[(op, n, fs)])) for n in layers if (op, n, fs) in best]
            if not pts:
                continue
            out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>'
                       % (COLORS[fs], " ".join("%.1f,%.1f" % p for p in pts)))
            out.extend('<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"/>' % (x, y, COLORS[fs]) for x, y in pts)
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
