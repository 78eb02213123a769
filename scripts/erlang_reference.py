#!/usr/bin/env python3
"""Reference values for the tests of src/simulate/erlang.rs, computed independently of its
formulas with high-precision arithmetic (mpmath, `pip install mpmath`).

Erlang C from its definition; Erlang A (M/M/c+M) from the birth-death chain: the stationary
distribution pi_n (truncated far into the tail), and, for an arrival that finds j callers
waiting, the wait V until it would reach a call-taker, a sum of exponentials with the
distinct rates c*mu + k*theta (k = j..0), whose distribution function is the explicit
hypoexponential sum (exact, needs many digits, hence mpmath).
"""
import mpmath as mp

mp.mp.dps = 250


def erlang_c(c, a):
    a = mp.mpf(a)
    term = mp.mpf(1)
    s = mp.mpf(1)
    for k in range(1, c):
        term = term * a / k
        s += term
    top = term * a / c * c / (c - a)
    return top / (s + top)


def hypo_cdf(rates, t):
    """P(sum of Exp(rates) <= t), rates distinct."""
    total = mp.mpf(0)
    for i, ri in enumerate(rates):
        coef = mp.mpf(1)
        for m, rm in enumerate(rates):
            if m != i:
                coef *= rm / (rm - ri)
        total += coef * mp.exp(-ri * t)
    return 1 - total


def erlang_a(c, lam, mu, theta, t, jmax):
    lam, mu, theta, t = map(mp.mpf, (lam, mu, theta, t))
    death = lambda n: min(n, c) * mu + max(n - c, 0) * theta
    pi = [mp.mpf(1)]
    for n in range(1, c + jmax + 1):
        pi.append(pi[-1] * lam / death(n))
    z = sum(pi)
    pi = [p / z for p in pi]
    p_wait = sum(pi[c:])
    p_ab = theta * sum(j * pi[c + j] for j in range(jmax + 1)) / lam
    served_at_once = sum(pi[:c])
    asa_num = mp.mpf(0)
    answered = served_at_once
    beyond = mp.mpf(0)
    for j in range(jmax + 1):
        s = [c * mu + k * theta for k in range(j + 1)]
        r = [x + theta for x in s]
        p_served = mp.fprod(x / y for x, y in zip(s, r))
        asa_num += pi[c + j] * p_served * sum(1 / y for y in r)
        # P(V <= t, V < patience) = P(served | j) * P(sum of Exp(r) <= t) (tilting).
        answered += pi[c + j] * p_served * hypo_cdf(r, t)
        beyond += pi[c + j] * mp.exp(-theta * t) * (1 - hypo_cdf(s, t))
    abandoned = 1 - answered - beyond
    asa = asa_num / (1 - p_ab)
    return p_wait, p_ab, asa, answered, abandoned, beyond


if __name__ == "__main__":
    for c, a in [(10, 9), (14, 10), (1, 0.5), (100, 95)]:
        print(f"erlang C c={c} a={a}: {mp.nstr(erlang_c(c, a), 20)}")
    for c, lam, mu, theta, t, jmax in [
        (10, 9, 1, 0.5, 0.5, 120),
        (1, 1.2, 1, 2, 0.5, 60),
        (50, 55, 1, 1, 0.05, 110),
        (3, 2, 1, 0.2, 1.5, 160),
    ]:
        vals = erlang_a(c, lam, mu, theta, t, jmax)
        print(f"erlang A c={c} lam={lam} mu={mu} theta={theta} t={t}: "
              + ", ".join(mp.nstr(v, 20) for v in vals))
