#!/usr/bin/env python3
"""Devito's acoustic forward operator or FWI gradient on an OSIB case, timed (make bench-devito).

    devito_bench.py CASE.yaml [--op forward|gradient] [--repeat N]

Builds the case's problem the way Devito users do (examples.seismic:
demo_model, AcquisitionGeometry, AcousticWaveSolver, kernel OT2, float32,
Devito's own default FD weights and opt='advanced'), at the case's grid,
absorbing layer, space order, time step, number of steps, source and
receivers. The first apply compiles and auto-tunes the loop blocking
(Devito's 'aggressive' level); the timed applies reuse the tuned block
sizes. Threads: DEVITO_LANGUAGE=openmp and OMP_NUM_THREADS, set by the
caller.

The gradient is what Devito's FWI examples and OSIB's Devito adapter run
(tools/adapters/devito): solver.forward(save=True), which keeps the whole
float32 history u^0..u^{nt-1} in memory, the residual and objective in
float64 (observed data: zeros; any data costs the same), and
solver.jacobian_adjoint(residual, u). Its buffers (the history, v, the
image) are allocated once and reused by the timed calls, as osib-cpu keeps
its own between calls (reference/cpu/README.md, "Work arrays"); the image
is zeroed inside each timed call, since Devito's gradient accumulates.

Prints one YAML mapping: the wall-clock seconds of each timed call
(operators plus argument processing, as osib-bench times the whole operator
call), Devito's own operator timers, and GPts/s counted as OSIB counts
them: padded points x (nt - 2) / seconds (spec/acoustic.md).

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


def tuned_blocks(op):
    """The block sizes Devito's auto-tuner chose for op, to pass to later applies."""
    tuned = {}
    for summary in op._state.get('autotuning', []):
        tuned.update(summary.get('tuned', {}))
    return {k: v for k, v in tuned.items() if isinstance(v, (int, np.integer))}


def plain_ints(tuned):
    """tuned, nested or not, with numpy integers as Python ints (for YAML)."""
    return {k: plain_ints(v) if isinstance(v, dict) else int(v) for k, v in tuned.items()}


def operator_seconds(summary):
    return float(sum(v.time for v in summary.values()))


def time_forward(solver, dt, repeat):
    """Compile and tune once; keep the tuned block sizes for the timed runs."""
    solver.forward(dt=dt, autotune=('aggressive', 'preemptive'))
    tuned = tuned_blocks(solver.op_fwd(False))
    walls, timers = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        _, _, perf = solver.forward(dt=dt, autotune=False, **tuned)
        walls.append(time.perf_counter() - t0)
        timers.append(operator_seconds(perf))
    return walls, timers, tuned


def time_gradient(solver, dt, repeat):
    """forward(save=True), residual and objective, jacobian_adjoint: tuned
    once (both operators), then timed as one call."""
    from devito import Function, TimeFunction
    grid, so, geometry = solver.model.grid, solver.space_order, solver.geometry
    u = TimeFunction(name='u', grid=grid, save=geometry.nt, time_order=2, space_order=so)
    v = TimeFunction(name='v', grid=grid, time_order=2, space_order=so)
    grad = Function(name='grad', grid=grid)
    resid = geometry.new_rec(name='resid')
    d_obs = np.zeros(resid.data.shape)

    def gradient(autotune, tuned_fwd, tuned_adj):
        rec, _, perf_fwd = solver.forward(u=u, save=True, dt=dt, autotune=autotune, **tuned_fwd)
        r = np.asarray(rec.data, dtype=np.float64) - d_obs
        objective = 0.5 * float(np.sum(r * r))
        resid.data[:] = r
        grad.data[:] = 0.0
        _, perf_adj = solver.jacobian_adjoint(resid, u, v=v, grad=grad, dt=dt, autotune=autotune, **tuned_adj)
        return objective, operator_seconds(perf_fwd) + operator_seconds(perf_adj)

    gradient(('aggressive', 'preemptive'), {}, {})
    tuned_fwd, tuned_adj = tuned_blocks(solver.op_fwd(True)), tuned_blocks(solver.op_grad())
    walls, timers = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        _, seconds = gradient(False, tuned_fwd, tuned_adj)
        walls.append(time.perf_counter() - t0)
        timers.append(seconds)
    return walls, timers, {'forward': tuned_fwd, 'adjoint': tuned_adj}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('case')
    ap.add_argument('--op', choices=('forward', 'gradient'), default='forward')
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

    run = time_forward if args.op == 'forward' else time_gradient
    walls, timers, tuned = run(solver, dt, args.repeat)
    padded = float(np.prod([n + 2 * grid['nbl'] for n in grid['shape']]))
    wall = float(np.median(walls))
    out = {
        'devito_version': __import__('devito').__version__,
        'case': case['id'],
        'operator': args.op,
        'threads': int(os.environ.get('OMP_NUM_THREADS', '0') or 0),
        'language': configuration['language'],
        'tuned_blocks': plain_ints(tuned),
        'seconds': walls,
        'operator_timer_seconds': timers,
        'gpts_per_s': padded * (nt - 2) / wall / 1e9,
    }
    print(yaml.safe_dump(out, sort_keys=False), end='')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
