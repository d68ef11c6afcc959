#!/usr/bin/env python3
"""First look at the Taylor-gate study's data (taylor-data.c, taylor-devito.py).

    python3 tools/study/taylor-analyse.py [DIR] [--failures]

For every DIR/<class>-<case>.csv (class cpu, ref, devito-float32 or
devito-float64; default DIR build/study/taylor) and each h:

  e2(h)/|phi0|             min, 1%, median, 99%, max over seeds, where
                           e2(h) = |phi(h) - phi0 - h <g, dm>|
  log2(e2(h)/e2(h/2))      the local slope between h and h/2, same quantiles

and how many seeds today's gate would reject: osib_taylor_fit (measures.c)
over h = 2^-1 .. 2^-7 with today's floor (1e-5 |phi0| in float32, 1e-12 in
float64) and window (the 4 largest h above the floor in float32, the 4
smallest in float64), slope2 in [1.7, 2.5] (float32) or [1.8, 2.2]
(float64), slope1 in [0.9, 1.1], at least 3 points above the floor.
e1, e2 and the fit are computed in double with the gate's own operations,
in its order (Python floats are IEEE doubles and math.log is the C
library's), so the slopes are the gate's. Quantiles: numpy's linear
interpolation. --failures lists every rejected seed with its slopes.
"""
import csv
import glob
import math
import os
import sys

import numpy as np

FLOOR = {'float32': 1e-5, 'float64': 1e-12}
SLOPE2 = {'float32': (1.7, 2.5), 'float64': (1.8, 2.2)}
SLOPE1 = (0.9, 1.1)
GATE_EXPS = list(range(-1, -8, -1))      # h = 2^-1 .. 2^-7
FIT_POINTS = 4
QUANTILES = (0, 1, 50, 99, 100)


def precision_of(cls):
    return 'float32' if cls in ('cpu', 'devito-float32') else 'float64'


def load(path):
    with open(path) as f:
        rows = [r for r in csv.reader(f) if r]
    header = rows[0]
    exps = [int(c.split('^')[1]) for c in header[5:]]
    data = np.array([[float(x) for x in r] for r in rows[1:] if len(r) == len(header)])
    return exps, data


def fit(h, e, floor, largest):
    """measures.c fit(): least squares of log e on log h over at most
    FIT_POINTS h whose e is above floor, from the largest h or the smallest."""
    sx = sy = sxx = sxy = 0.0
    n = 0
    nh = len(h)
    for j in range(nh):
        if n >= FIT_POINTS:
            break
        i = j if largest else nh - 1 - j
        if not e[i] > floor:
            continue
        x, y = math.log(h[i]), math.log(e[i])
        sx += x
        sy += y
        sxx += x * x
        sxy += x * y
        n += 1
    if n < 3:
        return math.nan, n
    return (n * sxy - sx * sy) / (n * sxx - sx * sx), n


def gate(prec, phi0, gdm, phis_by_exp):
    """Today's verdict on one seed: (passed, slope1, slope2, points, reasons)."""
    h = [math.ldexp(1.0, k) for k in GATE_EXPS]
    ph = [phis_by_exp[k] for k in GATE_EXPS]
    e1 = [abs(p - phi0) for p in ph]
    e2 = [abs(p - phi0 - hh * gdm) for p, hh in zip(ph, h)]
    floor = FLOOR[prec] * abs(phi0)
    largest = prec == 'float32'
    s1, n1 = fit(h, e1, floor, largest)
    s2, n2 = fit(h, e2, floor, largest)
    lo2, hi2 = SLOPE2[prec]
    reasons = []
    if not (SLOPE1[0] <= s1 <= SLOPE1[1]):
        reasons.append('slope1')
    if not (lo2 <= s2 <= hi2):
        reasons.append('slope2')
    if min(n1, n2) < 3:
        reasons.append('points')
    return not reasons, s1, s2, min(n1, n2), reasons


def fmt(v):
    return f"{v:9.3g}" if np.isfinite(v) else f"{'nan':>9}"


def analyse(path, show_failures):
    base = os.path.basename(path)[:-4]
    cls = next(c for c in ('devito-float32', 'devito-float64', 'cpu', 'ref') if base.startswith(c + '-'))
    case = base[len(cls) + 1:]
    prec = precision_of(cls)
    exps, d = load(path)
    seeds, phi0, gdm = d[:, 0].astype(int), d[:, 1], d[:, 2]
    phi = d[:, 5:]
    h = np.ldexp(1.0, np.array(exps))
    e2 = np.abs(phi - phi0[:, None] - h[None, :] * gdm[:, None])
    rel = e2 / np.abs(phi0)[:, None]
    print(f"## {cls} ({prec}), {case}: {len(seeds)} seeds ({seeds.min()}-{seeds.max()}), "
          f"h = 2^{exps[0]} .. 2^{exps[-1]}")
    print(f"|phi0| {np.abs(phi0).min():.6g} .. {np.abs(phi0).max():.6g}; "
          f"floor today {FLOOR[prec]:g} |phi0|")
    print()
    q = ' '.join(f"{('min' if p == 0 else 'max' if p == 100 else f'{p}%'):>9}" for p in QUANTILES)
    print(f"{'h':>6}  e2/|phi0|: {q}  | below floor |  slope h->h/2: {q}")
    with np.errstate(divide='ignore', invalid='ignore'):
        slope = np.log2(e2[:, :-1] / e2[:, 1:])
    for j, k in enumerate(exps):
        a = ' '.join(fmt(v) for v in np.percentile(rel[:, j], QUANTILES))
        below = int(np.sum(~(rel[:, j] > FLOOR[prec])))
        if j < len(exps) - 1:
            s = slope[:, j]
            s = s[np.isfinite(s)]
            b = ' '.join(fmt(v) for v in np.percentile(s, QUANTILES)) if len(s) else ''
        else:
            b = ''
        print(f"{'2^' + str(k):>6}  {'':10} {a}  | {below:11d} |  {'':13} {b}")
    print()
    fails = {'slope1': 0, 'slope2': 0, 'points': 0}
    nfail, s2s, rows = 0, [], []
    if all(k in exps for k in GATE_EXPS):
        for i, s in enumerate(seeds):
            ok, s1, s2, n, reasons = gate(prec, phi0[i], gdm[i], dict(zip(exps, phi[i])))
            s2s.append(s2)
            for r in reasons:
                fails[r] += 1
            if not ok:
                nfail += 1
                rows.append(f"  seed {s}: slope1 {s1:.4f}, slope2 {s2:.4f}, points {n}: {', '.join(reasons)}")
        s2s = np.array(s2s)
        fin = s2s[np.isfinite(s2s)]
        print(f"today's gate: {nfail} of {len(seeds)} seeds rejected ({100.0 * nfail / len(seeds):.2f}%); "
              f"by check: slope1 {fails['slope1']}, slope2 {fails['slope2']}, points {fails['points']}")
        if len(fin):
            print(f"  fitted slope2: " + ', '.join(f"{('min' if p == 0 else 'max' if p == 100 else f'{p}%')} "
                                                 f"{v:.4f}" for p, v in zip(QUANTILES, np.percentile(fin, QUANTILES))))
        if show_failures and rows:
            print('\n'.join(rows))
    print()


def main(argv):
    show = '--failures' in argv
    args = [a for a in argv[1:] if a != '--failures']
    d = args[0] if args else 'build/study/taylor'
    files = sorted(glob.glob(os.path.join(d, '*.csv')))
    if not files:
        sys.exit(f"taylor-analyse: no CSV files in {d}")
    for f in files:
        analyse(f, show)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
