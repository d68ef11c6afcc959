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
