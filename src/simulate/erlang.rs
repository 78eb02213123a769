//! Exact queueing formulas: what a bare queue of call-takers does in the long run, for the
//! simulation's validation and as the staffing search's first guess.
//!
//! Every rate is per second (any time unit works if all agree), every time in seconds.
//! `c` call-takers (servers), callers arrive at rate `λ` (Poisson), handle times are
//! exponential with rate `μ` (mean `1/μ`), the offered load is `a = λ/μ` Erlangs and the load
//! per call-taker `ρ = λ/(cμ)`.
//!
//! - [`erlang_b`]: M/M/c/c, the share of callers blocked when nobody may wait (Erlang B).
//! - [`ErlangC`]: M/M/c, callers wait as long as it takes (Erlang C).
//! - [`ErlangA`]: M/M/c+M, callers give up after an exponential patience (Erlang A, Garnett,
//!   Mandelbaum and Reiman 2002), with [`ErlangAChain`], the same model solved numerically as
//!   a birth–death chain, to check the closed forms against.
//! - [`priority_waits`]: non-preemptive priority classes on one M/M/c queue (Cobham 1954).
//! - [`fewest_for_sl`]: the fewest call-takers that meet a service level and an abandonment cap.
//!
//! Sources: D. Gross, J. F. Shortle, J. M. Thompson and C. M. Harris, *Fundamentals of
//! Queueing Theory*, 4th ed., Wiley 2008 (§2.3 M/M/c, §2.5 M/M/c/c, §3.4 priorities);
//! O. Garnett, A. Mandelbaum and M. Reiman, "Designing a call center with impatient
//! customers", *Manufacturing & Service Operations Management* 4(3):208–227, 2002 ("GMR");
//! A. Cobham, "Priority assignment in waiting line problems", *Operations Research*
//! 2(1):70–76, 1954. The incomplete gamma function is computed by its power series and its
//! continued fraction (Abramowitz and Stegun 6.5.29 and 6.5.31), the log-gamma function by
//! Stirling's series (A&S 6.1.40).

use std::f64::consts::PI;

// ---------------------------------------------------------------------------------------------
// Special functions

/// Stirling's series without its leading terms: `ln Γ(z) − ((z − ½) ln z − z + ½ ln 2π)`,
/// for `z ≥ 15`, where the first eight terms (Bernoulli numbers B₂ … B₁₆) leave an error
/// below 1e-18 (A&S 6.1.40).
fn stirling_tail(z: f64) -> f64 {
    // B_2k / (2k (2k − 1)), k = 1..=8.
    const COEF: [f64; 8] = [
        1.0 / 12.0,
        -1.0 / 360.0,
        1.0 / 1260.0,
        -1.0 / 1680.0,
        1.0 / 1188.0,
        -691.0 / 360_360.0,
        1.0 / 156.0,
        -3617.0 / 122_400.0,
    ];
    let r = 1.0 / z;
    let r2 = r * r;
    let mut sum = 0.0;
    for k in COEF.iter().rev() {
        sum = sum * r2 + k;
    }
    sum * r
}

/// `ln Γ(z)` for `z > 0`: Stirling's series at `z + n ≥ 15`, brought down by
/// `Γ(z) = Γ(z + n) / (z (z + 1) … (z + n − 1))`. Relative error about 1e-15.
pub fn ln_gamma(z: f64) -> f64 {
    let mut shift = 1.0;
    let mut w = z;
    while w < 15.0 {
        shift *= w;
        w += 1.0;
    }
    (w - 0.5) * w.ln() - w + 0.5 * (2.0 * PI).ln() + stirling_tail(w) - shift.ln()
}

/// `ln(xᵃ e⁻ˣ / Γ(a + 1))` for `a ≥ 0`, `x ≥ 0` (the Poisson probability of `a` events at
/// mean `x`, for real `a`). For large `a` it is written `−a φ((x − a)/a) − ½ ln 2πa − S(a)`
/// with `φ(u) = u − ln(1 + u)` and `S` Stirling's tail, so that no two large numbers are
/// subtracted.
fn ln_poisson(a: f64, x: f64) -> f64 {
    if x == 0.0 {
        return if a == 0.0 { 0.0 } else { f64::NEG_INFINITY };
    }
    if a >= 15.0 {
        let u = (x - a) / a;
        // ln Γ(a + 1) = a ln a − a + ½ ln 2πa + S(a), S the same tail as for Γ(a).
        -a * (u - u.ln_1p()) - 0.5 * (2.0 * PI * a).ln() - stirling_tail(a)
    } else {
        a * x.ln() - x - ln_gamma(a + 1.0)
    }
}

/// `ln P(a, x)`, the logarithm of the regularized lower incomplete gamma function
/// `P(a, x) = γ(a, x)/Γ(a) = (1/Γ(a)) ∫₀ˣ tᵃ⁻¹ e⁻ᵗ dt`, for `a > 0`, `x ≥ 0`; accurate to a
/// few units in the 13th digit even where `P` is far below the smallest `f64` ratio.
///
/// For `x < a + 1` the power series `P = xᵃ e⁻ˣ/Γ(a + 1) · Σₙ xⁿ / ((a + 1) … (a + n))`
/// (A&S 6.5.29), else `P = 1 − Q` with `Q` from the continued fraction
/// `Q = xᵃ e⁻ˣ/Γ(a) · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − …)))`
/// (A&S 6.5.31, evaluated by the modified Lentz method), both of which converge in about
/// `√a` terms where `x` is near `a` and faster elsewhere.
pub fn ln_gamma_p(a: f64, x: f64) -> f64 {
    ln_gamma_pq(a, x).0
}

/// `ln Q(a, x) = ln(1 − P(a, x))`, the upper tail, as accurate as [`ln_gamma_p`] where `Q`
/// is tiny (`x` well above `a`).
pub fn ln_gamma_q(a: f64, x: f64) -> f64 {
    ln_gamma_pq(a, x).1
}

/// `(ln P(a, x), ln Q(a, x))`: the one computed directly (series below `a + 1`, continued
/// fraction above), the other as its complement.
fn ln_gamma_pq(a: f64, x: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (f64::NEG_INFINITY, 0.0);
    }
    let lp = ln_poisson(a, x);
    if x < a + 1.0 {
        let mut sum = 1.0;
        let mut term = 1.0;
        let mut n = 1.0;
        loop {
            term *= x / (a + n);
            sum += term;
            if term < sum * 1e-17 || n > 1e7 {
                break;
            }
            n += 1.0;
        }
        let ln_p = lp + sum.ln();
        (ln_p, (-ln_p.exp()).ln_1p())
    } else {
        const TINY: f64 = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        let mut i = 1.0;
        loop {
            let an = -i * (i - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 || i > 1e7 {
                break;
            }
            i += 1.0;
        }
        // xᵃ e⁻ˣ / Γ(a) = a · xᵃ e⁻ˣ / Γ(a + 1).
        let ln_q = a.ln() + lp + h.ln();
        ((-ln_q.exp()).ln_1p(), ln_q)
    }
}

/// `(P(a, hi) − P(a, lo)) / e^ln_scale` for `0 ≤ lo ≤ hi`, as a difference of upper tails
/// `Q(a, lo) − Q(a, hi)` where `lo ≥ a` (both `P` near 1 there, their difference small).
fn gamma_p_between(a: f64, lo: f64, hi: f64, ln_scale: f64) -> f64 {
    let diff = if lo >= a {
        (ln_gamma_q(a, lo) - ln_scale).exp() - (ln_gamma_q(a, hi) - ln_scale).exp()
    } else {
        (ln_gamma_p(a, hi) - ln_scale).exp() - (ln_gamma_p(a, lo) - ln_scale).exp()
    };
    diff.max(0.0)
}

/// The regularized lower incomplete gamma function `P(a, x)` (see [`ln_gamma_p`]).
pub fn gamma_p(a: f64, x: f64) -> f64 {
    ln_gamma_p(a, x).exp()
}

// ---------------------------------------------------------------------------------------------
// Erlang B and C

/// Erlang B: the share of callers who find all `c` call-takers busy in M/M/c/c (no waiting
/// room) with an offered load of `a = λ/μ` Erlangs (Gross & Harris §2.5). Computed by the
/// stable recursion `B(0) = 1`, `B(k) = a·B(k−1) / (k + a·B(k−1))`, which never overflows
/// (any `c`, any `a ≥ 0`); `c` steps.
pub fn erlang_b(c: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    b
}

/// Erlang C: the probability that a caller waits in M/M/c (infinite patience) with an
/// offered load of `a` Erlangs, `C = B / (1 − ρ(1 − B))`, `B = erlang_b(c, a)`, `ρ = a/c`
/// (Gross & Harris §2.3). 1 when `a ≥ c` (no steady state: in the long run everyone waits).
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let rho = a / f64::from(c);
    if c == 0 || rho >= 1.0 {
        return 1.0;
    }
    let b = erlang_b(c, a);
    b / (1.0 - rho * (1.0 - b))
}

/// An M/M/c queue, callers infinitely patient (Erlang C; Gross & Harris §2.3): the waiting
/// time `W` of a caller is 0 with probability `1 − C` and else exponential with rate
/// `cμ − λ`, so `P(W > t) = C e^(−(cμ − λ)t)`.
///
/// The formulas hold in steady state, which exists only for `ρ = λ/(cμ) < 1`; where it does
/// not ([`ErlangC::is_stable`] false) the methods give the limits of an ever-growing queue:
/// every caller waits, waits are infinite, service level 0, occupancy 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ErlangC {
    /// Call-takers (servers).
    pub c: u32,
    /// Arrival rate, callers per second.
    pub lambda: f64,
    /// Service rate of one call-taker, per second (1 / mean handle time).
    pub mu: f64,
}

impl ErlangC {
    /// `c` call-takers, arrivals at `lambda` per second, handle rate `mu` per second.
    pub fn new(c: u32, lambda: f64, mu: f64) -> ErlangC {
        ErlangC { c, lambda, mu }
    }

    /// The offered load `a = λ/μ`, Erlangs.
    pub fn load(&self) -> f64 {
        self.lambda / self.mu
    }

    /// The load per call-taker `ρ = λ/(cμ)`.
    pub fn rho(&self) -> f64 {
        self.lambda / (f64::from(self.c) * self.mu)
    }

    /// Whether a steady state exists: `c ≥ 1` and `ρ < 1`.
    pub fn is_stable(&self) -> bool {
        self.c > 0 && self.rho() < 1.0
    }

    /// The rate `cμ − λ` at which the wait of a waiting caller decays.
    fn decay(&self) -> f64 {
        f64::from(self.c) * self.mu - self.lambda
    }

    /// P(wait > 0), the Erlang C formula; 1 when unstable, 0 when `λ = 0`.
    pub fn p_wait(&self) -> f64 {
        if self.lambda <= 0.0 {
            return 0.0;
        }
        erlang_c(self.c, self.load())
    }

    /// The mean wait of all callers (average speed of answer), `E[W] = C / (cμ − λ)`;
    /// infinite when unstable.
    pub fn asa(&self) -> f64 {
        if !self.is_stable() {
            return f64::INFINITY;
        }
        self.p_wait() / self.decay()
    }

    /// The mean wait of the callers who wait at all, `E[W | W > 0] = 1 / (cμ − λ)`; infinite
    /// when unstable.
    pub fn mean_wait_of_waiting(&self) -> f64 {
        if !self.is_stable() {
            return f64::INFINITY;
        }
        1.0 / self.decay()
    }

    /// The service level: the share of callers answered within `t` seconds,
    /// `P(W ≤ t) = 1 − C e^(−(cμ − λ)t)`; 0 when unstable. `t < 0` counts as 0.
    pub fn service_level(&self, t: f64) -> f64 {
        if !self.is_stable() {
            return 0.0;
        }
        1.0 - self.p_wait() * (-self.decay() * t.max(0.0)).exp()
    }

    /// The `p`-quantile of the wait of all callers (`p` in [0, 1]): 0 when `p ≤ 1 − C`, else
    /// `ln(C / (1 − p)) / (cμ − λ)`; infinite for `p = 1`, and for `p > 0` when unstable.
    pub fn wait_quantile(&self, p: f64) -> f64 {
        let pw = self.p_wait();
        if p <= 1.0 - pw || p <= 0.0 {
            return 0.0;
        }
        if !self.is_stable() || p >= 1.0 {
            return f64::INFINITY;
        }
        (pw / (1.0 - p)).ln() / self.decay()
    }

    /// The share of time a call-taker is busy, `ρ = λ/(cμ)`, at most 1.
    pub fn occupancy(&self) -> f64 {
        self.rho().min(1.0)
    }
}

// ---------------------------------------------------------------------------------------------
// Erlang A

/// An M/M/c+M queue (Erlang A): as [`ErlangC`], but each caller hangs up once their wait
/// reaches a patience drawn from an exponential distribution with rate `θ` (mean `1/θ`), and
/// a caller who hangs up is lost. Always stable for `θ > 0`.
///
/// Closed forms after Garnett, Mandelbaum and Reiman 2002 (GMR), written with the
/// regularized incomplete gamma function `P(a, x)` ([`gamma_p`]), `x = cμ/θ`, `y = λ/θ`,
/// `ρ = λ/(cμ)`, `B = erlang_b(c, λ/μ)` and `A = e^y y^(−x) Γ(x + 1) P(x, y)` (GMR's
/// `A(x, y)`, computed as its inverse `R = 1/A`, which never overflows):
///
/// - `P(W > 0) = A·B / (1 + (A − 1)·B)` (GMR eq. for `P{W > 0}`);
/// - `P(abandon) = P(W > 0) · (1 − 1/ρ + 1/(ρA))` (GMR);
/// - mean wait of all callers `E[W] = P(abandon)/θ` (Little's law on the queue);
/// - `P(W > t) = P(W > 0) · e^(−θt) · P(x, y e^(−θt)) / P(x, y)`: an arrival that finds `j`
///   callers waiting would reach a call-taker after `V`, a sum of exponentials with rates
///   `cμ + kθ`, `k = j … 0`, and `e^(−θV)` is then Beta(x, j + 1) distributed; summed over
///   the queue length `j` this gives GMR's `P{V > t}`, and the caller's own patience the
///   factor `e^(−θt)`;
/// - answered within `t`: `P(served, W ≤ t) = 1 − P(W > 0) + P(W > 0)/ρ ·
///   (P(x + 1, y) − P(x + 1, y e^(−θt))) / P(x, y)`, from `E[1{V ≤ t} e^(−θV)]` by the same
///   Beta argument;
/// - abandoned within `t`: `P(abandon, W ≤ t) = P(W > 0) / (y P(x, y)) · ∫ P(x, v) dv` over
///   `v` from `y e^(−θt)` to `y` (the caller's patience running out at `s` while `V > s`,
///   integrated over `s`), with `∫₀ʷ P(x, v) dv = Σ_{m ≥ 1} m·p(x + m, w)`,
///   `p(a, w) = wᵃ e⁻ʷ/Γ(a + 1)`, summed as positive terms;
/// - mean wait of answered callers from `∫₀^∞ P(served, W > t) dt`, a series of positive
///   terms ([`ErlangA::asa`]).
///
/// Differences of nearly equal values are avoided where they would lose digits (`1 − P(W > 0)`
/// is computed as such; differences of `P` near 1 as differences of the upper tail `Q`), so
/// the functions keep their relative precision from light load, where almost nobody waits,
/// to heavy overload, where almost everybody does.
///
/// [`ErlangAChain`] computes the same quantities from the birth–death chain itself; the two
/// agree to 1e-9 (relative) over `c` 1–200, `ρ` 0.5–1.5, `θ/μ` 0.1–10 (tests below).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ErlangA {
    /// Call-takers (servers), at least 1.
    pub c: u32,
    /// Arrival rate, callers per second (≥ 0).
    pub lambda: f64,
    /// Service rate of one call-taker, per second (> 0).
    pub mu: f64,
    /// Abandonment rate of a waiting caller, per second: 1 / mean patience (> 0; for
    /// infinitely patient callers use [`ErlangC`]).
    pub theta: f64,
}

/// The quantities every Erlang A formula starts from.
struct Core {
    /// `cμ/θ`.
    x: f64,
    /// `λ/θ`.
    y: f64,
    /// `λ/(cμ)`.
    rho: f64,
    /// P(W > 0).
    pw: f64,
    /// P(W = 0) = 1 − P(W > 0), computed as such (no cancellation when almost all wait).
    at_once: f64,
    /// `ln P(x, y)`.
    ln_px: f64,
    /// `1/A = y^x e^(−y) / (Γ(x + 1) P(x, y))`, in (0, 1].
    r: f64,
}

impl ErlangA {
    /// `c` call-takers, arrivals at `lambda`, handle rate `mu`, abandonment rate `theta`
    /// (all per second).
    pub fn new(c: u32, lambda: f64, mu: f64, theta: f64) -> ErlangA {
        ErlangA { c, lambda, mu, theta }
    }

    /// `None` when nobody ever waits (`λ = 0`).
    fn core(&self) -> Option<Core> {
        if self.lambda <= 0.0 {
            return None;
        }
        let cmu = f64::from(self.c) * self.mu;
        let x = cmu / self.theta;
        let y = self.lambda / self.theta;
        let b = erlang_b(self.c, self.lambda / self.mu);
        let ln_px = ln_gamma_p(x, y);
        let r = (ln_poisson(x, y) - ln_px).exp().min(1.0);
        let pw = b / (b + r * (1.0 - b));
        let at_once = r * (1.0 - b) / (b + r * (1.0 - b));
        Some(Core {
            x,
            y,
            rho: self.lambda / cmu,
            pw,
            at_once,
            ln_px,
            r,
        })
    }

    /// The load per call-taker `ρ = λ/(cμ)` (may exceed 1).
    pub fn rho(&self) -> f64 {
        self.lambda / (f64::from(self.c) * self.mu)
    }

    /// P(W > 0): the share of callers who find every call-taker busy and wait.
    pub fn p_wait(&self) -> f64 {
        self.core().map_or(0.0, |k| k.pw)
    }

    /// P(abandon): the share of callers who hang up before being answered,
    /// `P(W > 0)·(ρ − 1 + 1/A)/ρ`.
    pub fn p_abandon(&self) -> f64 {
        self.core()
            .map_or(0.0, |k| (k.pw * (k.rho - 1.0 + k.r) / k.rho).max(0.0))
    }

    /// P(served) = 1 − P(abandon).
    pub fn p_served(&self) -> f64 {
        1.0 - self.p_abandon()
    }

    /// The mean wait of all callers, answered or not (time from joining the queue to being
    /// answered or hanging up), `P(abandon)/θ`.
    pub fn mean_wait(&self) -> f64 {
        self.p_abandon() / self.theta
    }

    /// The average speed of answer: the mean wait of the callers who are answered,
    /// `E[W | served] = E[W·1{served}] / P(served)`, with
    /// `E[W·1{served}] = P(W > 0)/(ρθ P(x, y)) · ∫₀ʸ P(x + 1, v)/v dv` and
    /// `∫₀ʸ P(b, v)/v dv = Σₘ p(b + m, y)·Σ_{n ≤ m} 1/(b + n)`, `p(a, y) = yᵃ e⁻ʸ/Γ(a + 1)`.
    pub fn asa(&self) -> f64 {
        let Some(k) = self.core() else { return 0.0 };
        // Terms p(x + 1 + m, y) / P(x, y), from the first by p(a + 1, y) = p(a, y)·y/(a + 1).
        let b = k.x + 1.0;
        let mut term = (ln_poisson(b, k.y) - k.ln_px).exp();
        let mut harmonic = 1.0 / b;
        let mut sum = 0.0;
        let mut m = 0.0;
        loop {
            let add = term * harmonic;
            sum += add;
            m += 1.0;
            term *= k.y / (b + m);
            harmonic += 1.0 / (b + m);
            if (b + m > k.y && term * harmonic < sum * 1e-17) || term == 0.0 || m > 1e8 {
                break;
            }
        }
        let waited_and_served = k.pw / (k.rho * self.theta) * sum;
        waited_and_served / (1.0 - self.p_abandon())
    }

    /// The share of time a call-taker is busy: `λ(1 − P(abandon)) / (cμ)`.
    pub fn occupancy(&self) -> f64 {
        self.rho() * (1.0 - self.p_abandon())
    }

    /// `P(W > t)`: the share of callers still waiting `t` seconds after joining the queue
    /// (neither answered nor gone); 1 for `t < 0`.
    pub fn wait_beyond(&self, t: f64) -> f64 {
        if t < 0.0 {
            return 1.0;
        }
        let Some(k) = self.core() else { return 0.0 };
        let z = (-self.theta * t).exp();
        k.pw * z * (ln_gamma_p(k.x, k.y * z) - k.ln_px).exp()
    }

    /// `P(served, W ≤ t)`: the share of all callers who are answered within `t` seconds
    /// (those answered at once included). The service level as "answered within `t` per
    /// offered call"; divide by [`ErlangA::p_served`] for the share of answered callers.
    pub fn answered_within(&self, t: f64) -> f64 {
        let Some(k) = self.core() else { return 1.0 };
        if t <= 0.0 {
            return k.at_once;
        }
        let v = k.y * (-self.theta * t).exp();
        let between = gamma_p_between(k.x + 1.0, v, k.y, k.ln_px);
        (k.at_once + k.pw / k.rho * between).min(1.0)
    }

    /// `P(abandon, W ≤ t)`: the share of all callers who hang up within `t` seconds of
    /// joining the queue.
    pub fn abandoned_within(&self, t: f64) -> f64 {
        let Some(k) = self.core() else { return 0.0 };
        if t <= 0.0 {
            return 0.0;
        }
        let v = k.y * (-self.theta * t).exp();
        let diff = (integral_of_p(k.x, k.y, k.ln_px) - integral_of_p(k.x, v, k.ln_px)).max(0.0);
        (k.pw / k.y * diff).min(1.0)
    }

    /// The `p`-quantile of the time callers spend waiting (answered or hung up, 0 for those
    /// answered at once): the least `t` with `P(W ≤ t) ≥ p`, by bisection on
    /// [`ErlangA::wait_beyond`] (relative precision 1e-12); infinite for `p ≥ 1`.
    pub fn wait_quantile(&self, p: f64) -> f64 {
        let Some(k) = self.core() else { return 0.0 };
        let pw = k.pw;
        if p <= k.at_once || p <= 0.0 {
            return 0.0;
        }
        if p >= 1.0 {
            return f64::INFINITY;
        }
        // P(W > t) ≤ P(W > 0) e^(−θt): the quantile lies below ln(P(W > 0)/(1 − p))/θ.
        let hi = (pw / (1.0 - p)).ln() / self.theta;
        bisect(0.0, hi, |t| self.wait_beyond(t) <= 1.0 - p)
    }

    /// The `p`-quantile of the wait of the callers who are answered: the least `t` with
    /// `P(served, W ≤ t) ≥ p·P(served)` (relative precision 1e-12); infinite for `p ≥ 1`.
    pub fn answered_wait_quantile(&self, p: f64) -> f64 {
        let served = self.p_served();
        let target = p * served;
        if target <= self.answered_within(0.0) || p <= 0.0 {
            return 0.0;
        }
        if p >= 1.0 {
            return f64::INFINITY;
        }
        let mut hi = 1.0 / (f64::from(self.c) * self.mu + self.theta);
        while self.answered_within(hi) < target {
            hi *= 2.0;
            if !hi.is_finite() {
                return f64::INFINITY;
            }
        }
        bisect(0.0, hi, |t| self.answered_within(t) >= target)
    }
}

/// `∫₀ʷ P(x, v) dv / P(x, y) = Σ_{m ≥ 1} m·p(x + m, w) / P(x, y)` (the integral of
/// `Σₙ p(x + n, v)` term by term), every term positive; `ln_px = ln P(x, y)`.
fn integral_of_p(x: f64, w: f64, ln_px: f64) -> f64 {
    if w <= 0.0 {
        return 0.0;
    }
    let mut term = (ln_poisson(x + 1.0, w) - ln_px).exp();
    let mut sum = 0.0;
    let mut m = 1.0;
    loop {
        sum += m * term;
        term *= w / (x + m + 1.0);
        m += 1.0;
        if (x + m > w && m * term < sum * 1e-17) || term == 0.0 || m > 1e8 {
            break;
        }
    }
    sum
}

/// The least `t` in `[lo, hi]` where `done(t)` holds, `done` monotone (false, then true),
/// to a relative precision of 1e-12.
fn bisect(mut lo: f64, mut hi: f64, done: impl Fn(f64) -> bool) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if done(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
        if hi - lo <= 1e-12 * hi {
            break;
        }
    }
    hi
}

/// M/M/c+M solved as a birth–death chain rather than by [`ErlangA`]'s closed forms: the
/// stationary distribution of the number of callers in the system, `πₙ₊₁ = πₙ·λ/dₙ₊₁` with
/// death rates `dₙ = min(n, c)μ + max(n − c, 0)θ`, built outward from its mode and cut where
/// a state's probability falls below 1e-60 of the mode's (of `π_c`'s above `c`), then
/// normalized. Wait-time quantities follow one arrival (PASTA: it sees `π`) through the
/// queue: with `k` callers ahead it moves up at rate `sₖ = cμ + kθ` and hangs up at rate
/// `θ`; the distributions in time come from uniformization of that absorbing chain
/// (Jensen 1953). Meant for checks: `O(queue length)` per call, `O(queue length ×
/// (cμ + Jθ)t)` for the functions of `t` (J: the longest queue kept). The cut limits it to
/// values above about 1e-60 of P(W > 0): smaller far-tail values (still waiting after 2 s
/// with 200 call-takers at half load: 1e-114) come out too small here.
#[derive(Clone, Debug)]
pub struct ErlangAChain {
    /// The model.
    pub model: ErlangA,
    /// `π_c, π_(c+1), …`: the probability that an arrival finds `j = 0, 1, …` callers waiting.
    waiting: Vec<f64>,
    /// `π₀ + … + π_(c−1)`: the probability of being answered at once.
    at_once: f64,
}

impl ErlangAChain {
    /// Solves `model` (`c ≥ 1`, `μ, θ > 0`, `λ ≥ 0`).
    pub fn new(model: ErlangA) -> ErlangAChain {
        let ErlangA { c, lambda, mu, theta } = model;
        let c = c as usize;
        let death = |n: usize| (n.min(c) as f64) * mu + (n.saturating_sub(c) as f64) * theta;
        if lambda <= 0.0 {
            return ErlangAChain {
                model,
                waiting: vec![0.0],
                at_once: 1.0,
            };
        }
        let mut mode = 0;
        while lambda >= death(mode + 1) {
            mode += 1;
        }
        // Upward from the mode (value 1), at least to c, then while above 1e-60 of the top
        // (the far tail decides how many still wait after long times).
        let mut up = vec![1.0];
        let mut n = mode;
        let top = mode.max(c);
        let mut at_top = 1.0;
        loop {
            let next = up[up.len() - 1] * lambda / death(n + 1);
            n += 1;
            up.push(next);
            if n == top {
                at_top = next;
            }
            if n > top && (next < 1e-60 * at_top || next == 0.0) {
                break;
            }
        }
        // Downward from the mode to 0 (values that underflow stay 0).
        let mut down = vec![0.0; mode];
        let mut value = 1.0;
        for m in (0..mode).rev() {
            value *= death(m + 1) / lambda;
            down[m] = value;
        }
        let mut pi = down;
        pi.extend(up);
        let total: f64 = pi.iter().sum();
        for p in &mut pi {
            *p /= total;
        }
        let at_once = pi[..c.min(pi.len())].iter().sum();
        let waiting = if pi.len() > c { pi[c..].to_vec() } else { vec![0.0] };
        ErlangAChain {
            model,
            waiting,
            at_once,
        }
    }

    /// The rate `sₖ = cμ + kθ` at which a waiting caller with `k` callers ahead moves up.
    fn advance(&self, k: usize) -> f64 {
        f64::from(self.model.c) * self.model.mu + k as f64 * self.model.theta
    }

    /// P(W > 0) = `Σ_{n ≥ c} πₙ`.
    pub fn p_wait(&self) -> f64 {
        self.waiting.iter().sum()
    }

    /// P(abandon) from the queue length: `θ·E[queue] / λ`.
    pub fn p_abandon(&self) -> f64 {
        if self.model.lambda <= 0.0 {
            return 0.0;
        }
        let queue: f64 = self.waiting.iter().enumerate().map(|(j, p)| j as f64 * p).sum();
        self.model.theta * queue / self.model.lambda
    }

    /// P(served) from the arrival's point of view: answered at once, or with `j` ahead,
    /// moving up before hanging up at every step, `Π_{k ≤ j} sₖ/(sₖ + θ)`.
    pub fn p_served(&self) -> f64 {
        let mut served = 0.0;
        let mut chance = 1.0;
        for (j, p) in self.waiting.iter().enumerate() {
            let s = self.advance(j);
            chance *= s / (s + self.model.theta);
            served += p * chance;
        }
        self.at_once + served
    }

    /// P(abandon) from the arrival's point of view: with `j` ahead, hanging up before the
    /// next step is `θ/(sⱼ + θ)`, so `P(abandon | j) = θ/(sⱼ + θ) + sⱼ/(sⱼ + θ)·P(abandon | j − 1)`
    /// (a second route to [`ErlangAChain::p_abandon`]).
    pub fn p_abandon_by_steps(&self) -> f64 {
        let mut sum = 0.0;
        let mut given = 0.0;
        for (j, p) in self.waiting.iter().enumerate() {
            let s = self.advance(j);
            let r = s + self.model.theta;
            given = self.model.theta / r + s / r * given;
            sum += p * given;
        }
        sum
    }

    /// The mean wait of all callers, step by step: with `j` ahead the wait is
    /// `Mⱼ = 1/(sⱼ + θ) + sⱼ/(sⱼ + θ)·Mⱼ₋₁`.
    pub fn mean_wait(&self) -> f64 {
        let mut mean = 0.0;
        let mut m = 0.0;
        for (j, p) in self.waiting.iter().enumerate() {
            let s = self.advance(j);
            let r = s + self.model.theta;
            m = 1.0 / r + s / r * m;
            mean += p * m;
        }
        mean
    }

    /// The mean wait of answered callers: with `j` ahead, `E[W·1{served}] = P(served | j)·
    /// Σ_{k ≤ j} 1/(sₖ + θ)` (each step's time is exponential with rate `sₖ + θ` whichever
    /// way it ends), over [`ErlangAChain::p_served`].
    pub fn asa(&self) -> f64 {
        let mut sum = 0.0;
        let mut chance = 1.0;
        let mut time = 0.0;
        for (j, p) in self.waiting.iter().enumerate() {
            let s = self.advance(j);
            let r = s + self.model.theta;
            chance *= s / r;
            time += 1.0 / r;
            sum += p * chance * time;
        }
        sum / self.p_served()
    }

    /// `(answered within t, abandoned within t, still waiting at t)`, shares of all
    /// callers, by uniformization of the waiting caller's chain at rate `Λ = s_J + θ`:
    /// the state after `n` jumps of the discrete chain, weighted by Poisson(Λt) probabilities
    /// (computed outward from their mode, the right tail cut below 1e-20 of it).
    pub fn at(&self, t: f64) -> (f64, f64, f64) {
        let theta = self.model.theta;
        let jmax = self.waiting.len() - 1;
        let rate = self.advance(jmax) + theta;
        let mean = rate * t.max(0.0);
        // Poisson(mean) weights on [0, right].
        let mode = mean.floor() as usize;
        let mut weights = vec![1.0];
        let mut n = mode;
        loop {
            let w = weights[weights.len() - 1] * mean / (n + 1) as f64;
            if w < 1e-20 {
                break;
            }
            weights.push(w);
            n += 1;
        }
        let right = n;
        let mut below = vec![0.0; mode];
        let mut w = 1.0;
        // The left tail in full: few jumps leave much of the mass still waiting.
        for m in (0..mode).rev() {
            w *= (m + 1) as f64 / mean;
            below[m] = w;
        }
        below.extend(weights);
        let total: f64 = below.iter().sum();
        let (mut served, mut gone, mut waiting) = (0.0, 0.0, 0.0);
        let mut state = self.waiting.clone();
        let (mut ds, mut dg) = (0.0, 0.0);
        for (steps, w) in below.iter().enumerate().take(right + 1) {
            if steps > 0 {
                // One jump: move up with probability sₖ/Λ, hang up with θ/Λ.
                ds += state[0] * self.advance(0) / rate;
                let mass: f64 = state.iter().sum();
                dg += mass * theta / rate;
                for k in 0..=jmax {
                    let stay = state[k] * (1.0 - (self.advance(k) + theta) / rate);
                    let from_behind = if k < jmax {
                        state[k + 1] * self.advance(k + 1) / rate
                    } else {
                        0.0
                    };
                    state[k] = stay + from_behind;
                }
            }
            let weight = w / total;
            if weight > 0.0 {
                served += weight * ds;
                gone += weight * dg;
                waiting += weight * state.iter().sum::<f64>();
            }
        }
        (self.at_once + served, gone, waiting)
    }
}

// ---------------------------------------------------------------------------------------------
// Priorities and staffing

/// Mean waits of `k` non-preemptive priority classes sharing `c` call-takers with one
/// exponential handle rate `mu` (Cobham 1954; Gross & Harris §3.4): class `k` (1 the
/// highest, the order of `lambdas`, arrival rates per second) waits on average
/// `Wₖ = C(c, a) / (cμ (1 − σₖ₋₁)(1 − σₖ))`, `σₖ = Σ_{i ≤ k} λᵢ/(cμ)`, `a = Σλᵢ/μ`,
/// `C` the Erlang C probability of waiting. When the total load reaches `c`, `C` is 1 and the
/// classes with `σₖ < 1` keep finite waits; the others' are infinite.
pub fn priority_waits(c: u32, mu: f64, lambdas: &[f64]) -> Vec<f64> {
    let cmu = f64::from(c) * mu;
    let total: f64 = lambdas.iter().sum();
    let pc = if total <= 0.0 { 0.0 } else { erlang_c(c, total / mu) };
    let mut before = 0.0;
    lambdas
        .iter()
        .map(|l| {
            let after = before + l / cmu;
            let w = if after >= 1.0 {
                f64::INFINITY
            } else {
                pc / (cmu * (1.0 - before) * (1.0 - after))
            };
            before = after;
            w
        })
        .collect()
}

/// The fewest call-takers for arrivals at `lambda` and handle rate `mu` (per second) such
/// that at least `sl_target` (a share, e.g. 0.8) of all callers are answered within `sl_t`
/// seconds, and, with `max_abandon`, at most that share of callers hang up. `theta`:
/// `None` (or 0) for infinitely patient callers (Erlang C: service level
/// [`ErlangC::service_level`], no abandonment), else the abandonment rate (Erlang A: service
/// level [`ErlangA::answered_within`], abandonment [`ErlangA::p_abandon`]). Both measure the
/// share of all offered callers answered in time. `Some(0)` when `lambda` is 0; `None` when
/// no number of call-takers can meet the targets (`sl_target ≥ 1`, or `max_abandon ≤ 0` with
/// patience) or the inputs are not finite and positive. Checks `c` upward from the least
/// candidate, `O(c²)`.
pub fn fewest_for_sl(
    lambda: f64,
    mu: f64,
    theta: Option<f64>,
    sl_t: f64,
    sl_target: f64,
    max_abandon: Option<f64>,
) -> Option<u32> {
    if !(lambda.is_finite() && mu.is_finite() && mu > 0.0 && lambda >= 0.0 && sl_t.is_finite()) {
        return None;
    }
    if lambda == 0.0 {
        return Some(0);
    }
    if sl_target >= 1.0 || max_abandon.is_some_and(|m| m <= 0.0 && theta.is_some_and(|t| t > 0.0)) {
        return None;
    }
    let load = lambda / mu;
    match theta.filter(|t| *t > 0.0) {
        None => {
            let mut c = (load.floor() as u32).saturating_add(1);
            loop {
                if ErlangC::new(c, lambda, mu).service_level(sl_t) >= sl_target {
                    return Some(c);
                }
                c = c.checked_add(1)?;
            }
        }
        Some(theta) => {
            if !theta.is_finite() {
                return None;
            }
            let mut c = 1;
            loop {
                let q = ErlangA::new(c, lambda, mu, theta);
                if q.answered_within(sl_t) >= sl_target && max_abandon.is_none_or(|m| q.p_abandon() <= m) {
                    return Some(c);
                }
                c = c.checked_add(1)?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        a == b || (a - b).abs() <= rel * a.abs().max(b.abs())
    }

    #[track_caller]
    fn assert_close(a: f64, b: f64, rel: f64, what: &str) {
        assert!(
            close(a, b, rel),
            "{what}: {a:e} vs {b:e} (rel {:e})",
            (a - b).abs() / a.abs().max(b.abs())
        );
    }

    #[test]
    fn ln_gamma_matches_factorials_and_half_integers() {
        let mut fact = 1.0f64;
        for n in 1..60 {
            let (got, expected) = (ln_gamma(f64::from(n)), fact.ln());
            assert!(
                (got - expected).abs() <= 1e-14 * expected.max(1.0),
                "ln Γ({n}): {got} vs {expected}"
            );
            fact *= f64::from(n);
        }
        // Γ(½) = √π, Γ(0.1) = 9.513507698668731836…
        assert_close(ln_gamma(0.5), PI.sqrt().ln(), 1e-14, "ln Γ(½)");
        assert_close(ln_gamma(0.1), 9.513_507_698_668_732_f64.ln(), 1e-14, "ln Γ(0.1)");
    }

    #[test]
    fn incomplete_gamma_matches_closed_cases() {
        // P(1, x) = 1 − e⁻ˣ; P(n, x) = 1 − e⁻ˣ Σ_{k<n} xᵏ/k! (Poisson tail).
        for x in [0.01, 0.5, 1.0, 3.0, 10.0, 40.0] {
            assert_close(gamma_p(1.0, x), -(-x).exp_m1(), 1e-13, "P(1, x)");
            for n in [2u32, 5, 20, 60] {
                let mut term = 1.0;
                let mut sum = 0.0;
                for k in 0..n {
                    if k > 0 {
                        term *= x / f64::from(k);
                    }
                    sum += term;
                }
                let q = (-x).exp() * sum;
                let p = 1.0 - q;
                // Where P is tiny, compare with the series' complement instead.
                if p > 1e-3 {
                    assert_close(gamma_p(f64::from(n), x), p, 1e-12, "P(n, x)");
                }
            }
        }
        // P(½, x) = erf(√x): erf(1) = 0.8427007929497148693…
        assert_close(gamma_p(0.5, 1.0), 0.842_700_792_949_714_9, 1e-14, "P(½, 1)");
        // Large a near x: P(a, a) → ½ + 1/(3√(2πa)) (Temme); a = 10⁴ gives 0.50132981…,
        // checked at 1e-6 against the asymptotic value.
        let a = 1e4;
        assert_close(
            gamma_p(a, a),
            0.5 + 1.0 / (3.0 * (2.0 * PI * a).sqrt()),
            1e-6,
            "P(a, a)",
        );
        // Far tail: ln P(1000, 500) from the series equals the Poisson sum in logs.
        let lp = ln_gamma_p(1000.0, 500.0);
        let mut sum = 0.0f64;
        let mut term = 1.0f64;
        for k in 1..2000 {
            term *= 500.0 / (1000.0 + f64::from(k));
            sum += term;
        }
        let expected = 1000.0 * 500f64.ln() - 500.0 - ln_gamma(1001.0) + (1.0 + sum).ln();
        assert_close(lp, expected, 1e-12, "ln P(1000, 500)");
    }

    /// Erlang B by its definition, `(aᶜ/c!) / Σ_{k ≤ c} aᵏ/k!`.
    fn erlang_b_direct(c: u32, a: f64) -> f64 {
        let mut term = 1.0;
        let mut sum = 1.0;
        for k in 1..=c {
            term *= a / f64::from(k);
            sum += term;
        }
        term / sum
    }

    #[test]
    fn erlang_b_matches_the_direct_sum_and_tables() {
        for c in 0..=40 {
            for a in [0.1, 1.0, 5.0, 9.0, 20.0, 35.0] {
                assert_close(erlang_b(c, a), erlang_b_direct(c, a), 1e-12, "erlang B");
            }
        }
        // Tables: B(10, 5) = 0.018385 (the usual 1.8% of 10 lines at 5 Erlangs).
        assert!((erlang_b(10, 5.0) - 0.018_385).abs() < 5e-7);
        // Large c stays finite and sensible: B(1000, 1000) ≈ √(2/(π·1000)) ≈ 0.0248.
        let b = erlang_b(1000, 1000.0);
        assert!(b > 0.024 && b < 0.026, "{b}");
        assert!(erlang_b(1000, 500.0) < 1e-60);
    }

    #[test]
    fn erlang_c_matches_reference_values() {
        // Reference values computed independently with 50-digit arithmetic (mpmath) from
        // the definition C = (aᶜ/c!·c/(c − a)) / (Σ_{k<c} aᵏ/k! + aᶜ/c!·c/(c − a)).
        let cases = [
            (10u32, 9.0, 0.668_731_524_107_697),
            (14, 10.0, 0.174_131_933_595_049_8),
            (1, 0.5, 0.5),
            (100, 95.0, 0.506_456_853_913_020_6),
        ];
        for (c, a, expected) in cases {
            assert_close(erlang_c(c, a), expected, 1e-12, "erlang C");
        }
        // M/M/1: C = ρ, E[W] = ρ/(μ − λ).
        let q = ErlangC::new(1, 0.5, 1.0);
        assert_close(q.p_wait(), 0.5, 1e-15, "M/M/1 P(wait)");
        assert_close(q.asa(), 1.0, 1e-15, "M/M/1 ASA");
        assert_close(q.mean_wait_of_waiting(), 2.0, 1e-15, "M/M/1 E[W|W>0]");
        // A classic call-centre case: 100 calls per 30 min, 3 min handle time, 14 agents:
        // P(wait) 17.4%, service level 80/20 about 88.8%, ASA 7.8 s.
        let q = ErlangC::new(14, 100.0 / 1800.0, 1.0 / 180.0);
        assert_close(
            q.service_level(20.0),
            1.0 - 0.174_131_933_595_049_8 * (-20.0f64 * 4.0 / 180.0).exp(),
            1e-12,
            "SL",
        );
        assert!((q.service_level(20.0) - 0.888).abs() < 1e-3);
        assert!((q.asa() - 7.8).abs() < 0.05);
        assert_close(q.asa(), 0.174_131_933_595_049_8 * 180.0 / 4.0, 1e-12, "ASA");
        assert_close(q.occupancy(), 10.0 / 14.0, 1e-15, "occupancy");
        // Quantiles invert the service level.
        for p in [0.85, 0.9, 0.99] {
            assert_close(q.service_level(q.wait_quantile(p)), p, 1e-12, "quantile");
        }
        assert_eq!(q.wait_quantile(0.5), 0.0);
        // Unstable.
        let q = ErlangC::new(9, 10.0, 1.0);
        assert!(!q.is_stable());
        assert_eq!(q.p_wait(), 1.0);
        assert_eq!(q.asa(), f64::INFINITY);
        assert_eq!(q.service_level(10.0), 0.0);
        assert_eq!(q.occupancy(), 1.0);
    }

    #[test]
    fn erlang_a_matches_reference_values() {
        // Independent high-precision computation (mpmath) of the birth–death chain and of
        // the explicit hypoexponential wait distributions, scripts/erlang_reference.py:
        // (c, λ, μ, θ, t, P(wait), P(abandon), ASA of answered, answered within t,
        // abandoned within t, still waiting at t).
        let cases = [
            (
                10u32,
                9.0,
                1.0,
                0.5,
                0.5,
                [
                    0.468_941_704_441_336_7,
                    0.067_011_715_473_448_1,
                    0.125_910_485_509_270_75,
                    0.860_690_595_025_1,
                    0.058_480_199_818_767_27,
                    0.080_829_205_156_132_73,
                ],
            ),
            (
                1,
                1.2,
                1.0,
                2.0,
                0.5,
                [
                    0.645_125_521_159_971_2,
                    0.462_395_399_033_357_3,
                    0.130_451_124_726_695_9,
                    0.486_965_819_555_04,
                    0.351_834_443_385_607_05,
                    0.161_199_737_059_353,
                ],
            ),
            (
                50,
                55.0,
                1.0,
                1.0,
                0.05,
                [
                    0.767_795_219_499_143_7,
                    0.110_301_000_548_531_15,
                    0.110_487_133_155_628,
                    0.352_631_732_128_957_3,
                    0.034_549_078_240_033_99,
                    0.612_819_189_631_008_7,
                ],
            ),
            (
                3,
                2.0,
                1.0,
                0.2,
                1.5,
                [
                    0.390_629_491_591_129_74,
                    0.048_433_457_567_983_24,
                    0.225_377_162_851_062_4,
                    0.922_692_521_090_731_6,
                    0.045_188_553_652_434_23,
                    0.032_118_925_256_834_16,
                ],
            ),
        ];
        for (c, lambda, mu, theta, t, expected) in cases {
            let q = ErlangA::new(c, lambda, mu, theta);
            let got = [
                q.p_wait(),
                q.p_abandon(),
                q.asa(),
                q.answered_within(t),
                q.abandoned_within(t),
                q.wait_beyond(t),
            ];
            for (i, (g, e)) in got.iter().zip(expected).enumerate() {
                assert_close(*g, e, 1e-12, &format!("c={c} λ={lambda} θ={theta} quantity {i}"));
            }
            assert_close(
                q.occupancy(),
                lambda * (1.0 - expected[1]) / (f64::from(c) * mu),
                1e-12,
                "occupancy",
            );
            assert_close(q.mean_wait(), expected[1] / theta, 1e-12, "E[W]");
            // Quantiles invert their distributions.
            for p in [0.9, 0.95, 0.99] {
                let w = q.wait_quantile(p);
                if w > 0.0 {
                    assert_close(1.0 - q.wait_beyond(w), p, 1e-10, "wait quantile");
                }
                let w = q.answered_wait_quantile(p);
                if w > 0.0 {
                    assert_close(q.answered_within(w) / q.p_served(), p, 1e-10, "answered wait quantile");
                }
            }
        }
        // No arrivals: nobody waits.
        let q = ErlangA::new(3, 0.0, 1.0, 1.0);
        assert_eq!((q.p_wait(), q.p_abandon(), q.answered_within(1.0)), (0.0, 0.0, 1.0));
        // Patience far longer than waits: Erlang A approaches Erlang C.
        let a = ErlangA::new(14, 10.0, 1.0, 1e-7);
        let c = ErlangC::new(14, 10.0, 1.0);
        assert_close(a.p_wait(), c.p_wait(), 1e-6, "θ → 0 P(wait)");
        assert_close(a.answered_within(0.2), c.service_level(0.2), 1e-6, "θ → 0 SL");
    }

    /// (c, λ, θ) with μ = 1 over the grid of the validation: c 1–200, ρ 0.5–1.5, θ/μ 0.1–10.
    fn grid() -> Vec<(u32, f64, f64)> {
        let mut out = Vec::new();
        for c in [1u32, 2, 5, 10, 30, 100, 200] {
            for rho in [0.5, 0.8, 0.97, 1.0, 1.2, 1.5] {
                for theta in [0.1, 1.0, 10.0] {
                    out.push((c, rho * f64::from(c), theta));
                }
            }
        }
        out
    }

    #[test]
    fn erlang_a_closed_forms_agree_with_the_chain() {
        for (c, lambda, theta) in grid() {
            let q = ErlangA::new(c, lambda, 1.0, theta);
            let chain = ErlangAChain::new(q);
            let what = format!("c={c} λ={lambda} θ={theta}");
            assert_close(q.p_wait(), chain.p_wait(), 1e-9, &format!("P(wait) {what}"));
            assert_close(q.p_abandon(), chain.p_abandon(), 1e-9, &format!("P(ab) {what}"));
            assert_close(
                q.p_abandon(),
                chain.p_abandon_by_steps(),
                1e-9,
                &format!("P(ab) by steps {what}"),
            );
            assert_close(q.mean_wait(), chain.mean_wait(), 1e-9, &format!("E[W] {what}"));
            assert_close(q.asa(), chain.asa(), 1e-9, &format!("ASA {what}"));
            let cmu = f64::from(c);
            for t in [0.5 / cmu, 3.0 / cmu, 1.0] {
                let (served, gone, waiting) = chain.at(t);
                assert_close(
                    q.answered_within(t),
                    served,
                    1e-9,
                    &format!("answered within {t} {what}"),
                );
                assert_close(
                    q.abandoned_within(t),
                    gone,
                    1e-9,
                    &format!("abandoned within {t} {what}"),
                );
                assert_close(q.wait_beyond(t), waiting, 1e-9, &format!("waiting beyond {t} {what}"));
            }
        }
    }

    #[test]
    fn priority_waits_follow_cobham() {
        // c = 2, μ = 1, λ = (0.5, 1.0): a = 1.5, B = 1.125/3.625, C = B/(1 − 0.75(1 − B)) = 9/14;
        // W₁ = C/(2·1·0.75) = 3/7, W₂ = C/(2·0.75·0.25) = 12/7 (by hand).
        let w = priority_waits(2, 1.0, &[0.5, 1.0]);
        assert_close(w[0], 3.0 / 7.0, 1e-14, "W1");
        assert_close(w[1], 12.0 / 7.0, 1e-14, "W2");
        // One class is FCFS, and the arrival-weighted mean wait of any split equals FCFS's
        // (work conservation with equal handle rates).
        for (c, lambdas) in [
            (1u32, vec![0.3, 0.5]),
            (10, vec![2.0, 3.0, 4.0]),
            (50, vec![10.0, 38.0]),
        ] {
            let total: f64 = lambdas.iter().sum();
            let fcfs = ErlangC::new(c, total, 1.0).asa();
            assert_close(priority_waits(c, 1.0, &[total])[0], fcfs, 1e-14, "one class");
            let w = priority_waits(c, 1.0, &lambdas);
            let mean: f64 = w.iter().zip(&lambdas).map(|(w, l)| w * l).sum::<f64>() / total;
            assert_close(mean, fcfs, 1e-12, "conservation");
            assert!(w.windows(2).all(|p| p[0] < p[1]));
        }
        // Overloaded in total: the first class still waits C = 1 over (cμ(1 − σ₁)).
        let w = priority_waits(1, 1.0, &[0.5, 0.6]);
        assert_close(w[0], 2.0, 1e-14, "stable class");
        assert_eq!(w[1], f64::INFINITY);
    }

    #[test]
    fn staffing_finds_the_fewest() {
        // 100 calls per 30 minutes, 3 minutes each (10 Erlangs), 80/20.
        let (lambda, mu) = (100.0 / 1800.0, 1.0 / 180.0);
        let c = fewest_for_sl(lambda, mu, None, 20.0, 0.8, None).unwrap();
        assert!(ErlangC::new(c, lambda, mu).service_level(20.0) >= 0.8);
        assert!(ErlangC::new(c - 1, lambda, mu).service_level(20.0) < 0.8);
        assert_eq!(c, 14);
        // With 3-minute patience, and abandonment capped at 2%.
        let theta = 1.0 / 180.0;
        let c = fewest_for_sl(lambda, mu, Some(theta), 20.0, 0.8, Some(0.02)).unwrap();
        let ok = |c| {
            let q = ErlangA::new(c, lambda, mu, theta);
            q.answered_within(20.0) >= 0.8 && q.p_abandon() <= 0.02
        };
        assert!(ok(c) && !ok(c - 1), "{c}");
        // Impatient callers leave, so fewer call-takers reach the same service level.
        assert!(fewest_for_sl(lambda, mu, Some(theta), 20.0, 0.8, None).unwrap() <= 14);
        assert_eq!(fewest_for_sl(0.0, mu, None, 20.0, 0.8, None), Some(0));
        assert_eq!(fewest_for_sl(lambda, mu, None, 20.0, 1.0, None), None);
        // Large centres: 900 Erlangs.
        let c = fewest_for_sl(5.0, 1.0 / 180.0, None, 20.0, 0.8, None).unwrap();
        assert!((900..1000).contains(&c), "{c}");
    }
}
