//! A widely circulated wrong value of the chapter's worked example, next to
//! what it should have been.
//!
//! The example is target y = [0, 1] with prediction p = [0.2, 0.8], whose
//! cross-entropy is −ln 0.8. The constant is the number that version prints;
//! the function shows that no common logarithm base produces it.

/// The cross-entropy of the worked example as circulated. The correct value
/// is −ln 0.8 = 0.223144 nats, or −log₂ 0.8 = 0.321928 bits, and
/// −log₁₀ 0.8 = 0.09691 in base 10.
pub const LOSS: f64 = 0.386;

// ANCHOR: implied_log_base
/// Returns the base b in which −log_b p equals `loss`:
/// −ln p / ln b = loss gives b = e^(−ln p / loss).
pub fn implied_log_base(p: f64, loss: f64) -> f64 {
    (-p.ln() / loss).exp()
}
// ANCHOR_END: implied_log_base
