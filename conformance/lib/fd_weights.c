#include "fd_weights.h"

#include <math.h>

static int64_t gcd64(int64_t a, int64_t b)
{
    if (a < 0)
        a = -a;
    if (b < 0)
        b = -b;
    while (b != 0) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static fd_rational reduced(int64_t num, int64_t den)
{
    if (den < 0) {
        num = -num;
        den = -den;
    }
    int64_t g = gcd64(num, den);
    if (g > 1) {
        num /= g;
        den /= g;
    }
    return (fd_rational){num, den};
}

static fd_rational add(fd_rational a, fd_rational b)
{
    /* Denominators stay below 10^7 for p <= 8, so the cross products fit
     * comfortably in 64 bits. */
    int64_t g = gcd64(a.den, b.den);
    int64_t den = a.den / g * b.den;
    int64_t num = a.num * (b.den / g) + b.num * (a.den / g);
    return reduced(num, den);
}

int fd_order_is_valid(int space_order)
{
    return space_order >= 2 && space_order <= FD_MAX_ORDER && space_order % 2 == 0;
}

int fd2_weights_rational(int space_order, fd_rational w[FD_MAX_HALF + 1])
{
    if (!fd_order_is_valid(space_order))
        return -1;
    const int p = space_order / 2;

    /* (p!)^2 / ((p-k)! (p+k)!) = prod_{j=1..k} (p-j+1)/(p+j), built one
     * factor at a time and kept reduced. */
    fd_rational ratio = {1, 1};
    fd_rational sum = {0, 1};
    for (int k = 1; k <= p; k++) {
        ratio = reduced(ratio.num * (p - k + 1), ratio.den * (p + k));
        int64_t sign = (k % 2 == 1) ? 1 : -1;
        w[k] = reduced(2 * sign * ratio.num, ratio.den * k * k);
        sum = add(sum, w[k]);
    }
    w[0] = reduced(-2 * sum.num, sum.den);
    return 0;
}

int fd2_weights(int space_order, double w[FD_MAX_HALF + 1])
{
    fd_rational r[FD_MAX_HALF + 1];
    if (fd2_weights_rational(space_order, r) != 0)
        return -1;
    for (int k = 0; k <= space_order / 2; k++)
        w[k] = (double)r[k].num / (double)r[k].den; /* exact operands, one rounding */
    return 0;
}

static int64_t factorial(int n)
{
    int64_t f = 1;
    for (int k = 2; k <= n; k++)
        f *= k;
    return f;
}

int fd1_staggered_rational(int space_order, fd_rational c[FD_MAX_STAGGER + 1])
{
    if (!fd_order_is_valid(space_order))
        return -1;
    const int q = (space_order + 3) / 4;
    /* ((2q-1)!!)^2 <= 105^2 and the denominator <= 2^6 7! 3! 7^2 for q <= 4:
     * far inside 64 bits. */
    int64_t dfact = 1;
    for (int k = 1; k <= 2 * q - 1; k += 2)
        dfact *= k;
    c[0] = (fd_rational){0, 1};
    for (int j = 1; j <= q; j++) {
        int64_t sign = (j % 2 == 1) ? 1 : -1;
        int64_t den = ((int64_t)1 << (2 * q - 2)) * factorial(q + j - 1) * factorial(q - j) * (2 * j - 1) * (2 * j - 1);
        c[j] = reduced(sign * dfact * dfact, den);
    }
    return q;
}

int fd1_staggered(int space_order, double c[FD_MAX_STAGGER + 1])
{
    fd_rational r[FD_MAX_STAGGER + 1];
    int q = fd1_staggered_rational(space_order, r);
    for (int j = 0; j <= q; j++)
        c[j] = (double)r[j].num / (double)r[j].den; /* exact operands, one rounding */
    return q;
}

double fd2_abs_sum(int half_width)
{
    const int p = half_width;
    double ratio = 1.0, signed_sum = 0.0, abs_sum = 0.0;
    for (int k = 1; k <= p; k++) {
        ratio *= (double)(p - k + 1) / (double)(p + k);
        double wk = 2.0 * ratio / ((double)k * k); /* |w_k| */
        signed_sum += (k % 2 == 1) ? wk : -wk;
        abs_sum += wk;
    }
    /* |w_0| = 2 |sum_k w_k|, and each |w_k| appears on both sides. */
    return 2.0 * fabs(signed_sum) + 2.0 * abs_sum;
}
