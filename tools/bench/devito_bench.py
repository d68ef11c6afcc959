#!/usr/bin/env python3
"""Devito's acoustic forward operator on an OSIB case, timed (make bench-devito).

    devito_bench.py CASE.yaml [--repeat N]

Builds the case's problem the way Devito users do (examples.seismic:
demo_model, AcquisitionGeometry, AcousticWaveSolver, kernel OT2, float32,
Devito's own default FD weights and opt='advanced'), at the case's grid,
absorbing layer, space order, time step, number of steps, source and
receivers. The first apply compiles and auto-tunes the loop blocking
(Devito's 'aggressive' level); the timed applies reuse the tuned block
sizes. Threads: DEVITO_LANGUAGE=openmp and OMP_NUM_THREADS, set by the
caller.

Prints one YAML mapping: the wall-clock seconds of each timed
solver.forward call (operator plus argument processing, as osib-bench times
the whole operator call), Devito's own timer, and GPts/s counted as OSIB
counts them: padded points x (nt - 2) / seconds (spec/acoustic.md).

Runs in build/devito-venv (tools/adapters/devito/setup-venv).
"""
import argparse
import os
import sys
import time

import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'adapters', 'devito'))
from osib_devito import expand_points  # noqa: E402  (the adapter's lattice rule)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('case')
    ap.add_argument('--repeat', type=int, default=1)
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error('--repeat must be at least 1')

    from devito import configuration
    from examples.seismic import AcquisitionGeometry, demo_model
    from examples.seismic.acoustic import AcousticWaveSolver
    configuration['log-level'] = 'ERROR'

    with open(args.case) as f:
        case = yaml.safe_load(f)
    dim = case['dimensions']
    so = case['space_order']
    grid = case['grid']
    model_spec = case['model']
    if model_spec.get('preset') != 'layers-isotropic':
        sys.exit('devito_bench: only layers-isotropic cases (the bench cases) are supported')
    dt = float(case['time']['dt_ms'])
    nt = int(case['time']['nt'])
    model = demo_model('layers-isotropic', shape=tuple(grid['shape']), spacing=tuple(grid['spacing_m']),
                       origin=tuple(grid['origin_m']), nbl=grid['nbl'], space_order=so, dtype=np.float32,
                       vp_top=model_spec['vp_top_kms'], vp_bottom=model_spec['vp_bottom_kms'],
                       nlayers=model_spec['nlayers'])
    src = expand_points(case['sources'], dim, 'sources')
    rec = expand_points(case['receivers'], dim, 'receivers')
    geometry = AcquisitionGeometry(model, rec, src, 0.0, (nt - 1) * dt, f0=case['wavelet']['f0_khz'],
                                   src_type='Ricker')
    solver = AcousticWaveSolver(model, geometry, kernel='OT2', space_order=so, opt='advanced')

    # Compile and tune once; keep the tuned block sizes for the timed runs.
    _, _, _ = solver.forward(dt=dt, autotune=('aggressive', 'preemptive'))
    op = solver.op_fwd(False)
    tuned = {}
    for summary in op._state.get('autotuning', []):
        tuned.update(summary.get('tuned', {}))
    tuned = {k: v for k, v in tuned.items() if isinstance(v, (int, np.integer))}

    padded = float(np.prod([n + 2 * grid['nbl'] for n in grid['shape']]))
    walls, timers = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        _, _, perf = solver.forward(dt=dt, autotune=False, **tuned)
        walls.append(time.perf_counter() - t0)
        timers.append(float(sum(v.time for v in perf.values())))
    wall = float(np.median(walls))
    out = {
        'devito_version': __import__('devito').__version__,
        'case': case['id'],
        'threads': int(os.environ.get('OMP_NUM_THREADS', '0') or 0),
        'language': configuration['language'],
        'tuned_blocks': {k: int(v) for k, v in tuned.items()},
        'seconds': walls,
        'operator_timer_seconds': timers,
        'gpts_per_s': padded * (nt - 2) / wall / 1e9,
    }
    print(yaml.safe_dump(out, sort_keys=False), end='')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
