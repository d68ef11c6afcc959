#!/usr/bin/env python3
"""The Taylor gate's objective values for Devito, for many seeds.

    build/devito-venv/bin/python tools/study/taylor-devito.py \\
        --inputs DIR --precision float32|float64 --seeds A-B --out FILE.csv \\
        [--h-min-exp E] [--resume] [--fresh] [--check-fresh N]

The Devito counterpart of taylor-data (tools/study/taylor-data.c), whose
--write-inputs DIR this reads: DIR/case.yaml (the case as a request carries
it), DIR/inputs.h5 (/src_wavelet, /observed_data: the published inputs) and
per seed DIR/seed-NNNNNN.h5 (/vp_base, /dm: the gate's base model and
direction for that seed). For every seed it computes what the Devito
adapter (tools/adapters/devito/osib_devito.py, unmodified) computes for the
gate's gradient tasks, Problem.run('gradient', inputs), at m_b and at
vp_h = 1/sqrt(1/vp_b^2 + h dm) for h = 2^1 .. 2^E (default E = -14), and
writes the same CSV as taylor-data:

    seed, phi0, gdm, gnorm, dmnorm, phi(2^1), ..., phi(2^E)     (%.17g)

gdm = <g, dm> and gnorm = |g| use the gradient as the runner reads it back
(the adapter writes it in the request's precision, float32 in that class)
and are accumulated in long double in index order, as osib_gate_taylor does.

One Problem is built (and its operators compiled) for the whole run; each
task's model is then set in place by the very call SeismicModel's
constructor makes to vp (edge padding of the physical vp cast to the
working precision, outer halo included; in numpy, as the adapter's
numpy_model_init, because Devito's initialize_function lowers an Operator
on every call), so every run sees the arrays a fresh Problem would.
--check-fresh N (default 1) compares, for the first N seeds, the padded vp
and phi0 and phi at the largest and the smallest h with a fresh Problem's
(built with Devito's own initializer) bit for bit and stops on a
difference; --fresh builds a fresh Problem for
every run (slow: symbolic setup and a JIT-cache lookup each time).
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'adapters', 'devito'))
# The adapter forces DEVITO_SAFE_MATH=1 when imported, before devito is.
import osib_devito  # noqa: E402

H_MAX_EXP = 1


def gate_dot(a, b):
    """sum a[k] b[k] in long double, in index order, as the gate's loop does
    (cumsum accumulates left to right; np.sum would add pairwise)."""
    import numpy as np
    p = np.asarray(a, dtype=np.float64).ravel().astype(np.longdouble) * \
        np.asarray(b, dtype=np.float64).ravel().astype(np.longdouble)
    return np.cumsum(p)[-1]


def parse_seeds(text):
    a, _, b = text.partition('-')
    a, b = int(a), int(b or a)
    if b < a:
        raise argparse.ArgumentTypeError(f"--seeds {text}: want A-B with A <= B")
    return a, b


def configure_devito():
    """What the adapter's protocol() sets before it builds a Problem."""
    from devito import configuration
    from devito.logger import logger, stream_handler
    configuration['safe-math'] = True
    stream_handler.setStream(sys.stderr)
    logger.setLevel(os.environ['DEVITO_LOGGING'])


class Runner:
    """Gradient tasks on one Devito Problem, its model changed in place."""

    def __init__(self, case, dtype, wavelet, d_obs, fresh):
        self.case, self.dtype, self.fresh = case, dtype, fresh
        self.base = {'src_wavelet': wavelet, 'observed_data': d_obs}
        self.problem = None

    def new_problem(self, vp):
        p = osib_devito.Problem(self.case, vp, self.dtype)
        p.compile('gradient')
        return p

    def set_model(self, vp):
        # What SeismicModel's constructor does to vp (initialize_function:
        # E vp, edge replication, outer halo included), in numpy, as the
        # adapter's numpy_model_init does it: Devito's own initialize_function
        # builds and lowers an Operator on every call (0.6 s, three times the
        # 2D gradient). --check-fresh compares the padded arrays and the
        # objectives with a fresh Problem's, which uses Devito's.
        import numpy as np
        from devito.builtins.utils import pad_outhalo
        m = self.problem.model
        m.vp.data[:] = np.pad(vp.astype(self.dtype), m.nbl, mode='edge')
        pad_outhalo(m.vp)

    def gradient(self, vp, fresh=False):
        """(phi, gradient as the runner reads it back, the Problem) at vp."""
        import numpy as np
        if fresh or self.fresh:
            problem = self.new_problem(vp)
        else:
            if self.problem is None:
                self.problem = self.new_problem(vp)
            else:
                self.set_model(vp)
            problem = self.problem
        out = problem.run('gradient', dict(self.base, vp=vp))
        phi = float(np.asarray(out['objective'], dtype=np.float64)[0])
        # write_outputs: np.asarray(y, dtype=request dtype), read back as float64
        g = np.asarray(out['gradient'], dtype=self.dtype).astype(np.float64)
        return phi, g, problem


def perturbed(vp_base, dm, h):
    """vp_h as the gate computes it (IEEE operations, no contraction: the
    same bits as the C)."""
    import numpy as np
    return 1.0 / np.sqrt(1.0 / (vp_base * vp_base) + h * dm)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--inputs', required=True, help="taylor-data --write-inputs DIR")
    ap.add_argument('--precision', required=True, choices=('float32', 'float64'))
    ap.add_argument('--seeds', required=True, type=parse_seeds)
    ap.add_argument('--out', required=True)
    ap.add_argument('--h-min-exp', type=int, default=-14)
    ap.add_argument('--resume', action='store_true')
    ap.add_argument('--fresh', action='store_true')
    ap.add_argument('--check-fresh', type=int, default=1, metavar='N')
    a = ap.parse_args()

    import h5py
    import numpy as np
    import yaml
    configure_devito()
    dtype = np.float64 if a.precision == 'float64' else np.float32
    with open(os.path.join(a.inputs, 'case.yaml')) as f:
        case = yaml.safe_load(f)
    with h5py.File(os.path.join(a.inputs, 'inputs.h5'), 'r') as f:
        wavelet = f['/src_wavelet'][()]
        d_obs = f['/observed_data'][()]
    runner = Runner(case, dtype, wavelet, d_obs, a.fresh)
    exps = list(range(H_MAX_EXP, a.h_min_exp - 1, -1))
    hs = [2.0 ** e for e in exps]

    first, last = a.seeds
    done = set()
    if a.resume and os.path.exists(a.out):
        with open(a.out) as f:
            for line in f:
                head = line.split(',', 1)[0]
                if head.isdigit() and line.endswith('\n'):
                    done.add(int(head))
    new_file = not (a.resume and os.path.exists(a.out))
    out = open(a.out, 'w' if new_file else 'a')
    if new_file:
        out.write('seed,phi0,gdm,gnorm,dmnorm' + ''.join(f',phi_h2^{e}' for e in exps) + '\n')

    todo = [s for s in range(first, last + 1) if s not in done]
    t0, checked = time.perf_counter(), 0
    for n, seed in enumerate(todo, 1):
        with h5py.File(os.path.join(a.inputs, f'seed-{seed:06d}.h5'), 'r') as f:
            vp_base = f['/vp_base'][()]
            dm = f['/dm'][()]
        phi0, g, _ = runner.gradient(vp_base)
        gdm = gate_dot(g, dm)
        gnorm = np.sqrt(gate_dot(g, g))
        dmnorm = np.sqrt(gate_dot(dm, dm))
        phis = [runner.gradient(perturbed(vp_base, dm, h))[0] for h in hs]
        if not a.fresh and checked < a.check_fresh:
            # the in-place model against a fresh Problem, bit for bit
            for name, vp, want in (('phi0', vp_base, phi0),
                                   (f'phi_h2^{exps[0]}', perturbed(vp_base, dm, hs[0]), phis[0]),
                                   (f'phi_h2^{exps[-1]}', perturbed(vp_base, dm, hs[-1]), phis[-1])):
                runner.gradient(vp)                  # the shared Problem's model at vp
                got, _, p = runner.gradient(vp, fresh=True)
                same_vp = np.array_equal(p.model.vp.data_with_halo, runner.problem.model.vp.data_with_halo)
                if got.hex() != want.hex() or not same_vp:
                    sys.exit(f"taylor-devito: seed {seed}: {name} {want!r} in place, {got!r} "
                             f"with a fresh Problem (padded vp {'equal' if same_vp else 'different'}): "
                             "the in-place model is not the adapter's")
            print(f"taylor-devito: seed {seed}: phi0, phi(2^{exps[0]}), phi(2^{exps[-1]}) and the "
                  "padded vp equal a fresh Problem's bit for bit", file=sys.stderr)
            checked += 1
        out.write(f"{seed},{phi0:.17g},{float(gdm):.17g},{float(gnorm):.17g},{float(dmnorm):.17g}"
                  + ''.join(f",{p:.17g}" for p in phis) + '\n')
        out.flush()                              # a killed run loses one seed at most
        if n % 10 == 0 or n == len(todo):
            el = time.perf_counter() - t0
            print(f"taylor-devito: {case['id']} {a.precision}: {n}/{len(todo)} seeds, {el:.1f} s, "
                  f"{el / n:.2f} s per seed", file=sys.stderr, flush=True)
    out.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
