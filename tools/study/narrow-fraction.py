#!/usr/bin/env python3
"""How often does a correct float32 program's output look narrow?

    narrow-fraction.py IMPL_CMD CASE_ID OP N [--workdir DIR]

The runner rejects a float32 output when more than OSIB_NARROW_MAX of its
nonzero values are exactly representable in binary16 or bfloat16
(conformance/runner/measures.h: a program declaring float32 that computes in
a 16-bit format gives ~100%). This study runs a program N times on inputs
drawn as the runner draws a timed repetition's (spec/protocol.md §3.3: the
oracle's published inputs times a log-uniform factor in [1/2, 2] plus a
fresh random part of 0.3 rms, each input of the operator), and prints the
narrow fraction of every output, one line per run, then the distribution.

IMPL_CMD is a command run as IMPL_CMD run --case CASE --op OP --inputs IN.h5
--out OUT.h5 (e.g. build/bin/osib-cpu). Needs numpy and h5py (the Devito
venv has both).
"""
import argparse
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
    sys.exit(f"narrow-fraction.py: no module {missing.name}: run it with build/devito-venv/bin/python")

INPUTS = {
    'forward': ['src_wavelet'],
    'adjoint': ['adjoint_data'],
    'born': ['src_wavelet', 'dm'],
    'born_adjoint': ['src_wavelet', 'adjoint_data'],
    'gradient': ['src_wavelet', 'observed_data'],
}


def narrow_fraction(v):
    v = np.asarray(v, dtype=np.float64).ravel()
    v = v[v != 0]
    if v.size == 0:
        return 0.0, 0
    f32 = v.astype(np.float32)
    exact32 = f32.astype(np.float64) == v
    bf16 = exact32 & ((f32.view(np.uint32) & 0xFFFF) == 0)
    with np.errstate(over='ignore'):
        h16 = v.astype(np.float16).astype(np.float64) == v
    return float(np.mean(bf16 | h16)), int(v.size)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('impl')
    ap.add_argument('case')
    ap.add_argument('op', choices=sorted(INPUTS))
    ap.add_argument('n', type=int)
    ap.add_argument('--workdir', default='/tmp')
    args = ap.parse_args(argv)
    oracle = os.path.join('oracles', args.case + '.h5')
    rng = np.random.default_rng()
    fin = os.path.join(args.workdir, 'narrow-in.h5')
    fout = os.path.join(args.workdir, 'narrow-out.h5')
    worst = {}
    for run in range(args.n):
        with h5py.File(oracle, 'r') as src, h5py.File(fin, 'w') as dst:
            for name in src['inputs']:
                x = src['inputs'][name][...]
                if name in INPUTS[args.op]:
                    rms = float(np.sqrt(np.mean(x * x))) or 1.0
                    s = float(np.exp(rng.uniform(np.log(0.5), np.log(2.0))))
                    x = s * x + 0.3 * rms * rng.standard_normal(x.shape)
                dst.create_dataset('inputs/' + name, data=x)
        cmd = shlex.split(args.impl) + ['run', '--case', os.path.join('spec', 'cases', args.case + '.yaml'),
                                        '--op', args.op, '--inputs', fin, '--out', fout]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        line = []
        with h5py.File(fout, 'r') as out:
            for name in out['outputs']:
                frac, nz = narrow_fraction(out['outputs'][name][...])
                worst.setdefault(name, []).append(frac)
                line.append(f'{name} {frac:.4f} ({nz})')
        print(run, *line, sep='  ', flush=True)
    for name, fr in worst.items():
        fr = np.array(fr)
        print(f'# {name}: mean {fr.mean():.4f}, max {fr.max():.4f}, over 1%: {np.sum(fr > 0.01)} of {fr.size}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
