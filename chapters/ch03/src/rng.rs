//! Seeded random numbers that are the same on every platform.
//!
//! The generator is ChaCha8 from `rand_chacha`, whose output stream for a given
//! seed is fixed by its specification and does not depend on the platform. The
//! conversions below use only integer operations and one exact multiplication,
//! so the noise and the SGD sampling order are identical everywhere.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Seed of the noise added to the least-squares targets.
pub const NOISE_SEED: u64 = 42;

/// Seed of the order in which SGD visits the examples.
pub const SAMPLING_SEED: u64 = 7;

/// Creates the ChaCha8 generator for `seed`.
pub fn seeded_rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// Draws a uniform value in [0, 1) with 53 random bits: the top 53 bits of a
/// `u64` times 2⁻⁵³, which is exact in `f64`.
pub fn uniform_unit(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Draws a uniform integer in 0..n without modulo bias, by rejecting the
/// few `u64` values above the largest multiple of n.
///
/// # Panics
/// Panics when n is 0, because the range 0..0 is empty.
pub fn index_below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    assert!(n > 0, "index_below needs a non-empty range 0..n");
    let n = n as u64;
    let limit = u64::MAX - u64::MAX % n;
    loop {
        let x = rng.next_u64();
        if x < limit {
            return (x % n) as usize;
        }
    }
}

/// Shuffles `items` in place with the Fisher–Yates algorithm.
pub fn shuffle<T>(rng: &mut ChaCha8Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = index_below(rng, i + 1);
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_unit_in_range() {
        let mut rng = seeded_rng(1);
        for _ in 0..1000 {
            let u = uniform_unit(&mut rng);
            assert!((0.0..1.0).contains(&u), "{u}");
        }
    }

    #[test]
    fn same_seed_same_stream() {
        let mut a = seeded_rng(NOISE_SEED);
        let mut b = seeded_rng(NOISE_SEED);
        let first: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        let second: Vec<u64> = (0..4).map(|_| b.next_u64()).collect();
        assert_eq!(first, second);
    }

    #[test]
    fn shuffle_keeps_every_item() {
        let mut items: Vec<usize> = (0..7).collect();
        shuffle(&mut seeded_rng(SAMPLING_SEED), &mut items);
        let mut sorted = items.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..7).collect::<Vec<_>>());
    }
}
