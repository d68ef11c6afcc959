#!/usr/bin/env python3
"""Check a Taylor-study CSV against an implementation's protocol outputs, bit for bit.

    taylor-check-bits.py --csv FILE.csv --tasks DIR --inputs DIR --seed S
                  --cmd 'build/bin/osib-cpu protocol {request}' [--tags base,h-3]

taylor-data --write-tasks DIR writes, per seed, the Taylor gate's gradient
tasks as protocol directories (DIR/seed-NNNNNN/<tag>/request.yaml, tag base
or h<exp>) and --write-inputs the seed's direction dm. This runs the
implementation on each chosen task as the runner would (the command with
{request} replaced, in the task directory) and compares its objective with
the CSV's column for that h; for the base task also <g, dm> and |g|, from
the gradient as the runner reads it back (float32 in a float32 class) and
accumulated in long double in index order, as osib_gate_taylor does. Exits
1 on any difference. Run with build/devito-venv/bin/python (numpy, h5py).
"""
import argparse
import csv
import os
import shlex
import subprocess
import sys

try:
    import h5py
    import numpy as np
except ImportError as missing:  # --help needs neither
    if {'-h', '--help'} & set(sys.argv[1:]):
        print(__doc__.strip())
        sys.exit(0)
    sys.exit(f"taylor-check-bits.py: no module {missing.name}: run it with build/devito-venv/bin/python")


def gate_dot(a, b):
    """sum a[k] b[k] in long double, left to right, as the gate's loop does
    (cumsum accumulates in order; np.sum would pair-wise)."""
    p = np.asarray(a, dtype=np.float64).ravel().astype(np.longdouble) * \
        np.asarray(b, dtype=np.float64).ravel().astype(np.longdouble)
    return np.cumsum(p)[-1]


def same(a, b):
    return float(a).hex() == float(b).hex()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--csv', required=True)
    ap.add_argument('--tasks', required=True)
    ap.add_argument('--inputs', required=True)
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--cmd', required=True)
    ap.add_argument('--tags', default=None, help='comma-separated; default: every task of the seed')
    a = ap.parse_args()

    with open(a.csv) as f:
        rows = list(csv.reader(f))
    header, row = rows[0], None
    for r in rows[1:]:
        if int(r[0]) == a.seed:
            row = dict(zip(header, r))
    if row is None:
        sys.exit(f"taylor-check-bits: seed {a.seed} is not in {a.csv}")

    seed_dir = os.path.join(a.tasks, f"seed-{a.seed:06d}")
    tags = a.tags.split(',') if a.tags else sorted(os.listdir(seed_dir))
    with h5py.File(os.path.join(a.inputs, f"seed-{a.seed:06d}.h5"), 'r') as f:
        dm = f['/dm'][()]
    bad = 0
    for tag in tags:
        d = os.path.join(seed_dir, tag)
        req = os.path.abspath(os.path.join(d, 'request.yaml'))
        argv = [w.replace('{request}', req) for w in shlex.split(a.cmd)]
        p = subprocess.run(argv, cwd=d, capture_output=True, text=True)
        if p.returncode != 0:
            print(f"{tag}: exit {p.returncode}: {p.stderr.strip()[-300:]}")
            bad += 1
            continue
        with h5py.File(os.path.join(d, 'outputs.h5'), 'r') as f:
            phi = float(f['/outputs/objective'][()][0])
            g = np.asarray(f['/outputs/gradient'][()], dtype=np.float64)
        col = 'phi0' if tag == 'base' else f"phi_h2^{tag[1:]}"
        checks = [(col, phi, float(row[col]))]
        if tag == 'base':
            checks.append(('gdm', float(gate_dot(g, dm)), float(row['gdm'])))
            checks.append(('gnorm', float(np.sqrt(gate_dot(g, g))), float(row['gnorm'])))
        for name, got, want in checks:
            ok = same(got, want)
            bad += not ok
            print(f"{tag}: {name}: protocol {got!r}, csv {want!r}: {'same bits' if ok else 'DIFFERENT'}")
    print(f"taylor-check-bits: {'all the same bits' if not bad else f'{bad} differences'}")
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
