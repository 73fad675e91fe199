//! The figures of a widely circulated version of the single-layer example,
//! next to the values they should have been.
//!
//! Each constant is a number that version prints. The functions compute what
//! the number should be, or what it would take to get it, so the page can
//! show both and say why they differ.

/// z₂ as circulated. The correct value is w₂₁x₁ + w₂₂x₂ + b₂ = 0.2·1 + 0.5·2 + 0.1.
pub const Z2: f64 = 1.5;

/// σ(z₁) = σ(1.2) as circulated.
pub const SIGMOID_OF_Z1: f64 = 0.878;

/// The loss as circulated. The correct value is −ln σ(z₁).
pub const LOSS: f64 = 0.277;

/// ∂L/∂w₁₁ as circulated: the correct form (ŷ₁ − t₁)·x₁, evaluated with
/// the wrong ŷ₁ = 0.878.
pub const DL_DW11: f64 = -0.122;

/// w₁₁ after one step as circulated.
pub const W11_AFTER_STEP: f64 = 0.622;

// ANCHOR: logit
/// The inverse of the sigmoid, z = ln(ŷ / (1 − ŷ)): the pre-activation a
/// given output would need.
pub fn logit(y_hat: f64) -> f64 {
    (y_hat / (1.0 - y_hat)).ln()
}
// ANCHOR_END: logit

/// Evaluates the circulated output-layer gradient formula −ŷ(1 − ŷ).
/// It is −σ'(z): the local derivative of the sigmoid with the loss
/// factor ∂L/∂ŷ = −t/ŷ left out.
pub fn circulated_output_gradient(y_hat: f64) -> f64 {
    -y_hat * (1.0 - y_hat)
}

/// w₁₁ − α·∂L/∂w₁₁ with the circulated gradient: what the circulated
/// update gives when the step is actually taken.
pub fn step_with_circulated_gradient(w11: f64, alpha: f64) -> f64 {
    w11 - alpha * DL_DW11
}

/// −ln of the circulated σ(1.2): the loss its own output implies, which is
/// not the loss it reports either.
pub fn loss_from_circulated_output() -> f64 {
    -SIGMOID_OF_Z1.ln()
}
