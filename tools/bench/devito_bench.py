#!/usr/bin/env python3
"""Devito's acoustic or TTI forward operator or FWI gradient on an OSIB case, timed (make bench-devito).

    devito_bench.py CASE.yaml [--op forward|gradient] [--repeat N]

Builds the case's problem the way Devito users do (examples.seismic:
demo_model, AcquisitionGeometry, AcousticWaveSolver, kernel OT2, float32,
Devito's own default FD weights and opt='advanced'), at the case's grid,
absorbing layer, space order, time step, number of steps, source and
receivers. A case with `physics: acoustic-tti` (preset layers-tti) runs
Devito's own TTI solver instead, as its tti_example.py and
benchmarks/user/benchmark.py do: demo_model('layers-tti') (epsilon, delta,
theta and phi scaled from vp, Devito's rule), AnisotropicWaveSolver,
kernel 'centered', opt='advanced', Devito's own FD weights (not the exact
weights OSIB's adapter installs). The first apply compiles and auto-tunes
the loop blocking (Devito's 'aggressive' level); the timed applies reuse
the tuned block sizes. Threads: DEVITO_LANGUAGE=openmp and
OMP_NUM_THREADS, set by the caller.

The gradient is what Devito's FWI examples and OSIB's Devito adapter run
(tools/adapters/devito): solver.forward(save=True), which keeps the whole
float32 history u^0..u^{nt-1} in memory, the residual and objective in
float64 (observed data: zeros; any data costs the same), and
solver.jacobian_adjoint(residual, u). Its buffers (the history, v, the
image) are allocated once and reused by the timed calls, as osib-cpu keeps
its own between calls (reference/cpu/README.md, "Work arrays"); the image
is zeroed inside each timed call, since Devito's gradient accumulates.
For TTI: forward(save=True) keeps both fields' histories u and v (twice
the memory), and jacobian_adjoint(residual, u, v) runs the two adjoint
fields du, dv, zeroed inside each timed call with the image.

Prints one YAML mapping: the wall-clock seconds of each timed call
(operators plus argument processing, as osib-bench times the whole operator
call), Devito's own operator timers, and GPts/s counted as OSIB counts
them: padded points x (nt - 2) / seconds (spec/acoustic.md, spec/tti.md).
With Devito's advanced profiler (always for TTI; for acoustic cases when
DEVITO_PROFILING=advanced is set, as benchmark.py sets it) it also
records, per operator (median over the timed calls), Devito's own
GFlop/s and operational intensity, the flops it counts (after its
flop-reducing passes) and those per point per time step.

Runs in build/devito-venv (tools/adapters/devito/setup-venv).
"""
import argparse
import gc
import os
import resource
import sys
import time

import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'adapters', 'devito'))
from osib_devito import expand_points  # noqa: E402  (the adapter's lattice rule)

# Time steps of the short histories the TTI gradient's saving forward is
# tuned on (time_gradient_tti): Devito's tuner runs 5 steps a trial.
TUNE_STEPS = 8


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


def build_seconds(op):
    """Devito's own build timers of op: lowering ('op-compile') and the C
    compiler ('jit-compile'; a few ms when the .so came from Devito's jit cache)."""
    t = op._profiler.py_timers
    return {k.replace('-', '_') + '_s': round(float(t[k]), 3) for k in ('op-compile', 'jit-compile') if k in t}


def devito_perf(op, summaries, points, steps):
    """What Devito's advanced profiler says about op over the timed calls
    (None under the basic profiler, which counts no flops): its global GFlop/s
    and operational intensity (the medians; benchmark.py's numbers), the
    flops it counts in one call, those per point per time step (points:
    the padded grid, steps: nt - 2, as GPts/s counts them), the per-point
    count of each section (Devito's own 'ops' per iteration) and the
    per-point count of each flop-reducing pass (before, after)."""
    glb = [s.globals.get('vanilla') for s in summaries]
    if not summaries or any(g is None for g in glb) or not summaries[-1].input:
        return None
    last = summaries[-1]
    flops = sum(float(v.ops) for v in last.input.values() if v.ops is not None and np.isfinite(float(v.ops)))
    if flops <= 0:
        return None
    out = {
        'gflops_per_s': float(np.median([g.gflopss for g in glb])),
        'oi_flops_per_byte': float(np.median([g.oi for g in glb])) if all(g.oi for g in glb) else None,
        'flops': int(flops),
        'flops_per_point_step': round(flops / (points * steps), 2),
        'sections': {},
        'flops_reduction_per_point': [[int(a), int(b)] for a, b in op._profiler._ops],
    }
    for (name, _), v in last.items():
        out['sections'][name] = {'seconds': round(float(v.time), 4), 'gflops_per_s': round(float(v.gflopss), 3),
                                 'ops_per_point': int(v.ops) if v.ops else 0}
    return out


def time_forward(solver, dt, repeat):
    """Compile and tune once; keep the tuned block sizes for the timed runs."""
    t0 = time.perf_counter()
    solver.forward(dt=dt, autotune=('aggressive', 'preemptive'))
    first = time.perf_counter() - t0
    op = solver.op_fwd(False)
    tuned = tuned_blocks(op)
    walls, timers, perfs = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        perf = solver.forward(dt=dt, autotune=False, **tuned)[-1]  # acoustic: rec, u, perf; TTI: rec, u, v, perf
        walls.append(time.perf_counter() - t0)
        timers.append(operator_seconds(perf))
        perfs.append(perf)
    return walls, timers, tuned, {'first_call_s': first, 'ops': {'forward': (op, perfs)}}


def time_gradient(solver, dt, repeat, autotune=True):
    """forward(save=True), residual and objective, jacobian_adjoint: tuned
    once (both operators; not with autotune=False: Devito's default block
    sizes, as its checkpointed gradient runs), then timed as one call."""
    from devito import Function, TimeFunction
    grid, so, geometry = solver.model.grid, solver.space_order, solver.geometry
    u = TimeFunction(name='u', grid=grid, save=geometry.nt, time_order=2, space_order=so)
    v = TimeFunction(name='v', grid=grid, time_order=2, space_order=so)
    grad = Function(name='grad', grid=grid)
    resid = geometry.new_rec(name='resid')
    d_obs = np.zeros(resid.data.shape)
    perfs = {'forward': [], 'adjoint': []}

    def gradient(autotune, tuned_fwd, tuned_adj):
        rec, _, perf_fwd = solver.forward(u=u, save=True, dt=dt, autotune=autotune, **tuned_fwd)
        r = np.asarray(rec.data, dtype=np.float64) - d_obs
        objective = 0.5 * float(np.sum(r * r))
        resid.data[:] = r
        grad.data[:] = 0.0
        _, perf_adj = solver.jacobian_adjoint(resid, u, v=v, grad=grad, dt=dt, autotune=autotune, **tuned_adj)
        perfs['forward'].append(perf_fwd)
        perfs['adjoint'].append(perf_adj)
        return objective, operator_seconds(perf_fwd) + operator_seconds(perf_adj)

    t0 = time.perf_counter()
    gradient(('aggressive', 'preemptive') if autotune else False, {}, {})
    first = time.perf_counter() - t0
    perfs['forward'].clear()
    perfs['adjoint'].clear()
    op_fwd, op_adj = solver.op_fwd(True), solver.op_grad()
    tuned_fwd, tuned_adj = (tuned_blocks(op_fwd), tuned_blocks(op_adj)) if autotune else ({}, {})
    walls, timers = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        _, seconds = gradient(False, tuned_fwd, tuned_adj)
        walls.append(time.perf_counter() - t0)
        timers.append(seconds)
    return walls, timers, {'forward': tuned_fwd, 'adjoint': tuned_adj}, \
        {'first_call_s': first, 'ops': {'forward': (op_fwd, perfs['forward']), 'adjoint': (op_adj, perfs['adjoint'])}}


def time_gradient_checkpointed(solver, dt, repeat, checkpoints):
    """The gradient with Devito's checkpointing (make bench's budget curve):
    pyrevolve's Revolver drives the forward operator without saving and the
    imaging operator between `checkpoints` checkpoints of u, as Devito's
    jacobian_adjoint(checkpointing=True) and OSIB's adapter under a budget
    do; the receivers recorded on the first sweep give the residual. The
    first call compiles (no auto-tuning: Revolver's many short applies
    would each tune); the timed calls reuse everything."""
    from devito import CheckpointOperator, DevitoCheckpoint, Function, Revolver, TimeFunction
    grid, so, geometry = solver.model.grid, solver.space_order, solver.geometry
    u = TimeFunction(name='u', grid=grid, time_order=2, space_order=so)
    v = TimeFunction(name='v', grid=grid, time_order=2, space_order=so)
    grad = Function(name='grad', grid=grid)
    rec0 = geometry.new_rec(name='rec')
    resid = geometry.new_rec(name='rec_r')
    d_obs = np.zeros(resid.data.shape)
    params = solver.model.physical_params()
    nt = geometry.nt

    def gradient():
        u.data[:] = 0.0
        v.data[:] = 0.0
        grad.data[:] = 0.0
        wrap_fw = CheckpointOperator(solver.op_fwd(False), src=geometry.src, rec=rec0, u=u, dt=dt, **params)
        wrap_rev = CheckpointOperator(solver.op_grad(False), u=u, v=v, rec=resid, grad=grad, dt=dt, **params)
        revolver = Revolver(DevitoCheckpoint([u]), wrap_fw, wrap_rev, checkpoints, nt - 2)
        t0 = time.perf_counter()
        revolver.apply_forward()
        r = np.asarray(rec0.data, dtype=np.float64) - d_obs
        objective = 0.5 * float(np.sum(r * r))
        resid.data[:] = r
        revolver.apply_reverse()
        return objective, time.perf_counter() - t0

    t0 = time.perf_counter()
    gradient()
    first = time.perf_counter() - t0
    walls, timers = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        _, seconds = gradient()
        walls.append(time.perf_counter() - t0)
        timers.append(seconds)
    return walls, timers, {}, {'first_call_s': first, 'ops': {}}


def time_gradient_tti(solver, dt, repeat):
    """The TTI gradient: forward(save=True) keeping both histories u and v,
    residual and objective in float64, jacobian_adjoint(residual, u, v) with
    the adjoint fields du, dv; tuned once (both operators), then timed as one
    call. Buffers allocated once; the image and du, dv zeroed in each call.

    Tuning the saving forward on the real histories does not fit: Devito's
    'preemptive' auto-tuner runs on copies of everything the operator
    writes, which would double the two histories (2 x 11 GB at 256^3, nt 50).
    Each of its trials runs 5 time steps (its 'squeezer'), so the saving
    forward is tuned on histories of TUNE_STEPS steps (same operator, grid
    and blocking; a source and receivers as short), freed before the real ones are
    allocated; the adjoint, which only reads the histories, is tuned on the
    real ones in the first full call."""
    from devito import Function, TimeFunction
    from examples.seismic import AcquisitionGeometry
    grid, so, geometry = solver.model.grid, solver.space_order, solver.geometry
    t0 = time.perf_counter()
    steps = min(geometry.nt, TUNE_STEPS)
    # the source and receivers share the histories' time size: a short geometry too
    short = AcquisitionGeometry(solver.model, geometry.rec_positions, geometry.src_positions, 0.0,
                                (steps - 1) * dt, f0=geometry.f0, src_type=geometry.src_type)
    u_t = TimeFunction(name='u', grid=grid, save=steps, time_order=2, space_order=so)
    v_t = TimeFunction(name='v', grid=grid, save=steps, time_order=2, space_order=so)
    solver.forward(src=short.src, rec=short.rec, u=u_t, v=v_t, save=True, dt=dt,
                   autotune=('aggressive', 'preemptive'))
    op_fwd = solver.op_fwd(True)
    tuned_fwd = tuned_blocks(op_fwd)
    del u_t, v_t, short
    gc.collect()
    u = TimeFunction(name='u', grid=grid, save=geometry.nt, time_order=2, space_order=so)
    v = TimeFunction(name='v', grid=grid, save=geometry.nt, time_order=2, space_order=so)
    du = TimeFunction(name='du', grid=grid, time_order=2, space_order=so)
    dv = TimeFunction(name='dv', grid=grid, time_order=2, space_order=so)
    grad = Function(name='grad', grid=grid)
    resid = geometry.new_rec(name='resid')
    d_obs = np.zeros(resid.data.shape)
    perfs = {'forward': [], 'adjoint': []}

    def gradient(autotune, tuned_fwd, tuned_adj):
        at_fwd, at_adj = autotune
        rec, _, _, perf_fwd = solver.forward(u=u, v=v, save=True, dt=dt, autotune=at_fwd, **tuned_fwd)
        r = np.asarray(rec.data, dtype=np.float64) - d_obs
        objective = 0.5 * float(np.sum(r * r))
        resid.data[:] = r
        grad.data[:] = 0.0
        du.data[:] = 0.0
        dv.data[:] = 0.0
        _, perf_adj = solver.jacobian_adjoint(resid, u, v, du=du, dv=dv, dm=grad, dt=dt, autotune=at_adj,
                                              **tuned_adj)
        perfs['forward'].append(perf_fwd)
        perfs['adjoint'].append(perf_adj)
        return objective, operator_seconds(perf_fwd) + operator_seconds(perf_adj)

    gradient((False, ('aggressive', 'preemptive')), tuned_fwd, {})
    first = time.perf_counter() - t0
    perfs['forward'].clear()
    perfs['adjoint'].clear()
    op_adj = solver.op_jacadj()
    tuned_adj = tuned_blocks(op_adj)
    walls, timers = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        _, seconds = gradient((False, False), tuned_fwd, tuned_adj)
        walls.append(time.perf_counter() - t0)
        timers.append(seconds)
    return walls, timers, {'forward': tuned_fwd, 'adjoint': tuned_adj}, \
        {'first_call_s': first, 'ops': {'forward': (op_fwd, perfs['forward']), 'adjoint': (op_adj, perfs['adjoint'])}}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('case')
    ap.add_argument('--op', choices=('forward', 'gradient'), default='forward')
    ap.add_argument('--repeat', type=int, default=1)
    ap.add_argument('--checkpoints', type=int, default=None,
                    help='the gradient with this many pyrevolve checkpoints (default: the whole history)')
    ap.add_argument('--no-autotune', action='store_true',
                    help="acoustic gradient: Devito's default block sizes, as with --checkpoints")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error('--repeat must be at least 1')
    if args.checkpoints is not None and (args.checkpoints < 1 or args.op != 'gradient'):
        ap.error('--checkpoints wants a positive count, and --op gradient')

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
    physics = case.get('physics', 'acoustic-iso')
    preset = {'acoustic-iso': 'layers-isotropic', 'acoustic-tti': 'layers-tti'}.get(physics)
    if preset is None or model_spec.get('preset') != preset:
        sys.exit('devito_bench: only layers-isotropic (acoustic-iso) and layers-tti (acoustic-tti) cases '
                 '(the bench cases) are supported')
    dt = float(case['time']['dt_ms'])
    nt = int(case['time']['nt'])
    if physics == 'acoustic-tti':
        # benchmark.py's level: the same generated code as 'basic', plus the flop counts
        configuration['profiling'] = 'advanced'
    model = demo_model(preset, shape=tuple(grid['shape']), spacing=tuple(grid['spacing_m']),
                       origin=tuple(grid['origin_m']), nbl=grid['nbl'], space_order=so, dtype=np.float32,
                       vp_top=model_spec['vp_top_kms'], vp_bottom=model_spec['vp_bottom_kms'],
                       nlayers=model_spec['nlayers'])
    src = expand_points(case['sources'], dim, 'sources')
    rec = expand_points(case['receivers'], dim, 'receivers')
    geometry = AcquisitionGeometry(model, rec, src, 0.0, (nt - 1) * dt, f0=case['wavelet']['f0_khz'],
                                   src_type='Ricker')
    if physics == 'acoustic-tti':
        from examples.seismic.tti import AnisotropicWaveSolver
        solver = AnisotropicWaveSolver(model, geometry, space_order=so, kernel='centered', opt='advanced')
    else:
        solver = AcousticWaveSolver(model, geometry, kernel='OT2', space_order=so, opt='advanced')

    if args.checkpoints is not None and physics != 'acoustic-iso':
        sys.exit('devito_bench: --checkpoints is for acoustic-iso cases')
    if args.op == 'forward':
        walls, timers, tuned, extra = time_forward(solver, dt, args.repeat)
    elif args.checkpoints is not None:
        walls, timers, tuned, extra = time_gradient_checkpointed(solver, dt, args.repeat, args.checkpoints)
    elif physics == 'acoustic-tti':
        walls, timers, tuned, extra = time_gradient_tti(solver, dt, args.repeat)
    else:
        walls, timers, tuned, extra = time_gradient(solver, dt, args.repeat, autotune=not args.no_autotune)
    padded = float(np.prod([n + 2 * grid['nbl'] for n in grid['shape']]))
    wall = float(np.median(walls))
    out = {
        'devito_version': __import__('devito').__version__,
        'case': case['id'],
        'physics': physics,
        'operator': args.op,
        'threads': int(os.environ.get('OMP_NUM_THREADS', '0') or 0),
        'language': configuration['language'],
        'tuned_blocks': plain_ints(tuned),
        'seconds': walls,
        'operator_timer_seconds': timers,
        'gpts_per_s': padded * (nt - 2) / wall / 1e9,
        'checkpoints': args.checkpoints,
        # this process's peak resident memory (the kernel's high-water mark)
        'peak_rss_bytes': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    perf = {}
    for name, (op, summaries) in extra['ops'].items():
        rec = devito_perf(op, summaries, padded, nt - 2)
        if rec is not None:
            perf[name] = dict(build_seconds(op), **rec)
    if perf:
        # the first call: lowering, C compilation (Devito's jit cache aside), auto-tuning, one run
        out['first_call_seconds'] = round(extra['first_call_s'], 2)
        out['devito_perf'] = perf
    print(yaml.safe_dump(out, sort_keys=False), end='')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
