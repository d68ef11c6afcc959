/*
 * wavelet.h - the Ricker source wavelet (spec/acoustic.md, "Source wavelet").
 *
 *   s(t) = A (1 - 2 r^2) exp(-r^2),   r = pi f0 (t - t0),   t_n = n dt
 *
 * with f0 in kHz and t, t0, dt in ms.
 */
#ifndef REF_WAVELET_H
#define REF_WAVELET_H

#include <stddef.h>

/* s(t) at one time t_ms. */
double ref_ricker(double t_ms, double f0_khz, double t0_ms, double amplitude);

/* out[n] = s(n dt) for n = 0..nt-1. */
void ref_ricker_series(size_t nt, double dt_ms, double f0_khz, double t0_ms, double amplitude, double *out);

#endif
