"""Special functions (gamma, erf and friends) without a SciPy dependency."""
import math

import numpy as np
from numba import njit, vectorize


@vectorize(['float64(float64)', 'float32(float32)'], cache=True)
def gamma(x):
    return math.gamma(x)


@vectorize(['float64(float64)', 'float32(float32)'], cache=True)
def gammaln(x):
    return math.lgamma(x)


@vectorize(['float64(float64)', 'float32(float32)'], cache=True)
def erf(x):
    return math.erf(x)


@njit(cache=True)
def _erfinv_scalar(y):
    if y <= -1.0:
        return -np.inf if y == -1.0 else np.nan
    if y >= 1.0:
        return np.inf if y == 1.0 else np.nan
    # Giles' single-precision approximation, then two Newton steps on erf.
    w = -math.log((1.0 - y) * (1.0 + y))
    if w < 5.0:
        w -= 2.5
        p = 2.81022636e-08
        p = 3.43273939e-07 + p * w
        p = -3.5233877e-06 + p * w
        p = -4.39150654e-06 + p * w
        p = 0.00021858087 + p * w
        p = -0.00125372503 + p * w
        p = -0.00417768164 + p * w
        p = 0.246640727 + p * w
        p = 1.50140941 + p * w
    else:
        w = math.sqrt(w) - 3.0
        p = -0.000200214257
        p = 0.000100950558 + p * w
        p = 0.00134934322 + p * w
        p = -0.00367342844 + p * w
        p = 0.00573950773 + p * w
        p = -0.0076224613 + p * w
        p = 0.00943887047 + p * w
        p = 1.00167406 + p * w
        p = 2.83297682 + p * w
    x = p * y
    for _ in range(2):
        err = math.erf(x) - y
        x -= err / (2.0 / math.sqrt(math.pi) * math.exp(-x * x))
    return x


@vectorize(['float64(float64)', 'float32(float32)'], cache=True)
def erfinv(y):
    return _erfinv_scalar(y)


@njit(cache=True)
def _digamma_scalar(x):
    if x <= 0.0 and math.floor(x) == x:
        return np.nan
    result = 0.0
    if x < 0.0:
        # reflection: psi(1 - x) - psi(x) = pi cot(pi x)
        result -= math.pi / math.tan(math.pi * x)
        x = 1.0 - x
    while x < 6.0:
        result -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    t = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132)))))
    return result + math.log(x) - 0.5 / x + t


@vectorize(['float64(float64)', 'float32(float32)'], cache=True)
def digamma(x):
    return _digamma_scalar(x)
