#include "wavelet.h"

#include <math.h>

#include "repro_math.h"

double ref_ricker(double t_ms, double f0_khz, double t0_ms, double amplitude)
{
    double r = M_PI * f0_khz * (t_ms - t0_ms);
    double r2 = r * r;
    return amplitude * (1.0 - 2.0 * r2) * repro_exp(-r2);
}

void ref_ricker_series(size_t nt, double dt_ms, double f0_khz, double t0_ms, double amplitude, double *out)
{
    for (size_t n = 0; n < nt; n++)
        out[n] = ref_ricker((double)n * dt_ms, f0_khz, t0_ms, amplitude);
}
