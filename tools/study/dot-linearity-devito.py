#!/usr/bin/env python3
"""The dot-test and linearity measures of the certification runner for
Devito, over many seeds, so that their float32 thresholds can be chosen
from a distribution rather than from one certification (principle 9: a
verdict never flakes).

    build/devito-venv/bin/python tools/study/dot-linearity-devito.py \\
        --case ID --precision float32|float64 --seeds A-B --out FILE.csv

For every seed s (numpy's default generator seeded with s) it draws what the
runner's gates draw (spec/protocol.md §3.1, gates.c), with the same
distributions (not the same numbers: the runner uses GSL):

    dot F      q, d standard normal:     |<F q, d> - <q, F^T d>| / (|F q| |d|)
    dot J      dm ~ 0.01 N(0, 1), d standard normal, the published wavelet:
               |<J dm, d> - <dm, J^T d>| / (|J dm| |d|)
    linearity  q1, q2 standard normal, a, b in +-[0.5, 2]:
               |F(a q1 + b q2) - a F q1 - b F q2| / |F(a q1 + b q2)|

computed by the Devito adapter (tools/adapters/devito/osib_devito.py,
Problem.run, unmodified) on the case's published medium (oracles/ID.h5),
each output rounded to the working precision as the adapter writes it and
the sums taken in long double in index order, as the runner takes them.

CSV: seed, dot_F, dot_J, linearity (%.17g). The summary on stdout gives the
largest value and the 99th percentile of each.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'adapters', 'devito'))
import osib_devito  # noqa: E402  (forces DEVITO_SAFE_MATH=1 before devito loads)


def gate_dot(a, b):
    import numpy as np
    p = np.asarray(a, dtype=np.float64).ravel().astype(np.longdouble) * \
        np.asarray(b, dtype=np.float64).ravel().astype(np.longdouble)
    return np.cumsum(p)[-1]


def norm(a):
    import numpy as np
    return np.sqrt(gate_dot(a, a))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--case', required=True, help='an oracle case id of spec/cases')
    ap.add_argument('--precision', choices=['float32', 'float64'], required=True)
    ap.add_argument('--seeds', required=True, help='A-B')
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    import h5py
    import numpy as np
    import yaml

    root = os.path.join(HERE, '..', '..')
    with open(os.path.join(root, 'spec', 'cases', args.case + '.yaml')) as f:
        case = yaml.safe_load(f)
    inputs = {}
    with h5py.File(os.path.join(root, 'oracles', args.case + '.h5'), 'r') as f:
        for name in ('vp', 'epsilon', 'delta', 'theta', 'phi', 'src_wavelet'):
            if '/inputs/' + name in f:
                inputs[name] = np.array(f['/inputs/' + name])
    dtype = np.float32 if args.precision == 'float32' else np.float64
    prob = osib_devito.Problem(case, inputs, dtype)
    for op in ('forward', 'adjoint', 'born', 'born_adjoint'):
        prob.compile(op)

    def run(op, **x):
        out = prob.run(op, dict(x))
        return {k: np.asarray(v, dtype=dtype).astype(np.float64) for k, v in out.items()}

    nt, ns, nr = int(case['time']['nt']), inputs['src_wavelet'].shape[1], None
    a_seed, _, b_seed = args.seeds.partition('-')
    rows = []
    for seed in range(int(a_seed), int(b_seed or a_seed) + 1):
        rng = np.random.default_rng(seed)
        q = rng.standard_normal((nt, ns))
        fq = run('forward', src_wavelet=q)['forward_data']
        nr = fq.shape[1]
        d = rng.standard_normal((nt, nr))
        ftd = run('adjoint', adjoint_data=d)['adjoint_wavelet']
        dot_f = abs(gate_dot(fq, d) - gate_dot(q, ftd)) / (norm(fq) * norm(d))
        dm = 0.01 * rng.standard_normal(inputs['vp'].shape)
        d = rng.standard_normal((nt, nr))
        jdm = run('born', src_wavelet=inputs['src_wavelet'], dm=dm)['born_data']
        jtd = run('born_adjoint', src_wavelet=inputs['src_wavelet'], adjoint_data=d)['born_adjoint_image']
        dot_j = abs(gate_dot(jdm, d) - gate_dot(dm, jtd)) / (norm(jdm) * norm(d))
        q1, q2 = rng.standard_normal((nt, ns)), rng.standard_normal((nt, ns))
        a = rng.uniform(0.5, 2.0) * rng.choice([-1.0, 1.0])
        b = rng.uniform(0.5, 2.0) * rng.choice([-1.0, 1.0])
        f1 = run('forward', src_wavelet=q1)['forward_data']
        f2 = run('forward', src_wavelet=q2)['forward_data']
        f12 = run('forward', src_wavelet=a * q1 + b * q2)['forward_data']
        lin = norm(f12 - a * f1 - b * f2) / norm(f12)
        rows.append((seed, float(dot_f), float(dot_j), float(lin)))
        print(f"seed {seed}: dot F {float(dot_f):.3e}, dot J {float(dot_j):.3e}, linearity {float(lin):.3e}",
              file=sys.stderr, flush=True)
    with open(args.out, 'w') as f:
        f.write('seed,dot_F,dot_J,linearity\n')
        for r in rows:
            f.write('%d,%.17g,%.17g,%.17g\n' % r)
    cols = np.array([r[1:] for r in rows])
    for i, name in enumerate(('dot F', 'dot J', 'linearity')):
        print(f"{args.case} {args.precision} {name}: {len(rows)} seeds, max {cols[:, i].max():.3e}, "
              f"99% {np.percentile(cols[:, i], 99):.3e}, median {np.median(cols[:, i]):.3e}")


if __name__ == '__main__':
    main()
