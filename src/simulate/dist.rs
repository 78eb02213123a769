//! Distributions of times (handle time, wrap-up, patience), in seconds, sampled with a seeded
//! generator through `rand_distr`.

use rand::Rng;
use rand_distr::{Distribution, Exp, LogNormal};

/// A distribution of a non-negative time in seconds.
#[derive(Clone, Debug)]
pub enum Dist {
    /// Always this many seconds.
    Fixed(f64),
    /// Exponential with this mean (seconds).
    Exponential {
        /// Mean, seconds (> 0).
        mean: f64,
        /// `rand_distr`'s sampler (rate 1/mean).
        exp: Exp<f64>,
    },
    /// Log-normal with this mean and standard deviation (seconds): the usual shape of call
    /// handle times (Brown et al., "Statistical analysis of a telephone call center", JASA
    /// 2005, found log-normal service times in a bank's call centre).
    LogNormal {
        /// Mean, seconds (> 0).
        mean: f64,
        /// Standard deviation, seconds (> 0).
        sd: f64,
        /// `rand_distr`'s sampler, with μ and σ of the underlying normal.
        ln: LogNormal<f64>,
    },
    /// Empirical: points `(seconds, cumulative share)` of the distribution function,
    /// increasing in both, the last share 1; sampled by linear interpolation of the
    /// inverse, from 0 s at share 0.
    Empirical(Vec<(f64, f64)>),
}

impl Dist {
    /// Exponential with `mean` seconds; `None` unless `mean` is finite and > 0.
    pub fn exponential(mean: f64) -> Option<Dist> {
        let exp = Exp::new(1.0 / mean).ok().filter(|_| mean.is_finite() && mean > 0.0)?;
        Some(Dist::Exponential { mean, exp })
    }

    /// Log-normal with `mean` and `sd` seconds; `None` unless both are finite and > 0.
    /// σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2.
    pub fn lognormal(mean: f64, sd: f64) -> Option<Dist> {
        if !(mean.is_finite() && sd.is_finite() && mean > 0.0 && sd > 0.0) {
            return None;
        }
        let s2 = (1.0 + (sd * sd) / (mean * mean)).ln();
        let ln = LogNormal::new(mean.ln() - s2 / 2.0, s2.sqrt()).ok()?;
        Some(Dist::LogNormal { mean, sd, ln })
    }

    /// Empirical from `(seconds, weight)` pairs: each weight is the share of values up to
    /// that many seconds since the previous point (a histogram). `None` when empty, a time
    /// is negative or not increasing, or a weight negative, or all weights zero.
    pub fn empirical(points: &[(f64, f64)]) -> Option<Dist> {
        let total: f64 = points.iter().map(|p| p.1).sum();
        if points.is_empty() || !(total.is_finite() && total > 0.0) {
            return None;
        }
        let mut cum = 0.0;
        let mut last = -1.0;
        let mut out = Vec::with_capacity(points.len());
        for &(t, w) in points {
            if !(t.is_finite() && t >= 0.0 && t > last && w.is_finite() && w >= 0.0) {
                return None;
            }
            last = t;
            cum += w / total;
            out.push((t, cum));
        }
        if let Some(l) = out.last_mut() {
            l.1 = 1.0;
        }
        Some(Dist::Empirical(out))
    }

    /// The mean, seconds.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Fixed(s) => *s,
            Dist::Exponential { mean, .. } | Dist::LogNormal { mean, .. } => *mean,
            Dist::Empirical(pts) => {
                let (mut prev_t, mut prev_c, mut m) = (0.0, 0.0, 0.0);
                for &(t, c) in pts {
                    m += (c - prev_c) * (t + prev_t) / 2.0;
                    (prev_t, prev_c) = (t, c);
                }
                m
            }
        }
    }

    /// One value, seconds.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Fixed(s) => *s,
            Dist::Exponential { exp, .. } => exp.sample(rng),
            Dist::LogNormal { ln, .. } => ln.sample(rng),
            Dist::Empirical(pts) => {
                let u: f64 = rng.random();
                let i = pts.partition_point(|p| p.1 < u);
                let (t1, c1) = pts[i.min(pts.len() - 1)];
                let (t0, c0) = if i == 0 { (0.0, 0.0) } else { pts[i - 1] };
                if c1 <= c0 {
                    t1
                } else {
                    t0 + (t1 - t0) * (u - c0) / (c1 - c0)
                }
            }
        }
    }

    /// Whether this is exponential (the Erlang estimates assume it).
    pub fn is_exponential(&self) -> bool {
        matches!(self, Dist::Exponential { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    fn mean_of(d: &Dist, n: usize) -> f64 {
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64
    }

    #[test]
    fn samples_have_the_stated_mean() {
        for d in [
            Dist::exponential(240.0).unwrap(),
            Dist::lognormal(300.0, 150.0).unwrap(),
            Dist::empirical(&[(60.0, 1.0), (120.0, 1.0)]).unwrap(),
        ] {
            let m = mean_of(&d, 200_000);
            assert!((m / d.mean() - 1.0).abs() < 0.01, "{d:?}: {m} vs {}", d.mean());
        }
        assert_eq!(Dist::empirical(&[(60.0, 1.0), (120.0, 1.0)]).unwrap().mean(), 60.0);
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(Dist::exponential(0.0).is_none());
        assert!(Dist::exponential(-1.0).is_none());
        assert!(Dist::lognormal(1.0, f64::NAN).is_none());
        assert!(Dist::empirical(&[]).is_none());
        assert!(Dist::empirical(&[(5.0, 1.0), (4.0, 1.0)]).is_none());
        assert!(Dist::empirical(&[(5.0, 0.0)]).is_none());
    }
}
