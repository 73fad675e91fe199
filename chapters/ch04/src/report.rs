//! The text `cargo run -p ch04` prints, in the order of the page.

use std::fmt::Write;

use nalgebra::{DMatrix, DVector};
use numfmt::num;

use crate::circulated;
use crate::layer::{self, Loss};
use crate::network;

/// Subscript digits, so labels read like the page: w₁₂, b₂.
fn sub(i: usize) -> char {
    char::from_u32('₀' as u32 + i as u32).expect("index is a single digit")
}

fn write_vector(out: &mut String, label: &str, values: &DVector<f64>) {
    for (i, v) in values.iter().enumerate() {
        writeln!(out, "  {label}{} = {}", sub(i + 1), num(*v)).unwrap();
    }
}

fn write_matrix(out: &mut String, label: &str, values: &DMatrix<f64>) {
    for i in 0..values.nrows() {
        for j in 0..values.ncols() {
            writeln!(out, "  {label}{}{} = {}", sub(i + 1), sub(j + 1), num(values[(i, j)])).unwrap();
        }
    }
}

fn vector(values: &DVector<f64>) -> String {
    numfmt::vector(values.as_slice())
}

fn matrix(values: &DMatrix<f64>) -> String {
    let row_major: Vec<f64> = values.transpose().iter().copied().collect();
    numfmt::matrix(&row_major, values.ncols())
}

/// Returns the chapter's worked numbers as printed by `cargo run -p ch04`.
pub fn report() -> crate::Result<String> {
    let mut out = String::new();
    single_layer(&mut out)?;
    hidden_layer(&mut out)?;
    gradient_check(&mut out)?;
    Ok(out)
}

fn single_layer(out: &mut String) -> crate::Result<()> {
    let example = layer::Example::classic();
    let (x, t, alpha) = (&example.x, &example.t, example.alpha);

    writeln!(out, "Example 1: one sigmoid layer, ŷ = σ(Wx + b)").unwrap();
    writeln!(out).unwrap();
    writeln!(out, "Inputs").unwrap();
    writeln!(out, "  x = {}", vector(x)).unwrap();
    writeln!(out, "  W = {}", matrix(&example.layer.w)).unwrap();
    writeln!(out, "  b = {}", vector(&example.layer.b)).unwrap();
    writeln!(out, "  t = {}", vector(t)).unwrap();
    writeln!(out, "  α = {}", num(alpha)).unwrap();

    let forward = example.layer.forward(x)?;
    writeln!(out).unwrap();
    writeln!(out, "Forward pass").unwrap();
    write_vector(out, "z", &forward.z);
    write_vector(out, "ŷ", &forward.y_hat);

    for (title, loss) in [
        ("Loss L = -Σᵢ tᵢ ln ŷᵢ (cross-entropy)", Loss::CrossEntropy),
        (
            "Loss L = -Σᵢ [tᵢ ln ŷᵢ + (1 - tᵢ) ln(1 - ŷᵢ)] (binary cross-entropy on each output)",
            Loss::BinaryCrossEntropy,
        ),
    ] {
        let value = layer::loss_from_logits(loss, t, &forward.z)?;
        let gradients = example.layer.backward(loss, x, t, &forward)?;
        let stepped = example.layer.step(&gradients, alpha)?;
        let after = stepped.loss(loss, x, t)?;

        writeln!(out).unwrap();
        writeln!(out, "{title}").unwrap();
        writeln!(out, "  L = {}", num(value)).unwrap();
        writeln!(out, "Backward pass").unwrap();
        for (i, g) in gradients.dl_dy_hat.iter().enumerate() {
            writeln!(out, "  ∂L/∂ŷ{} = {}", sub(i + 1), num(*g)).unwrap();
        }
        for (i, z) in forward.z.iter().enumerate() {
            writeln!(out, "  σ'(z{}) = {}", sub(i + 1), num(crate::sigmoid_prime(*z))).unwrap();
        }
        for (i, d) in gradients.delta.iter().enumerate() {
            writeln!(out, "  δ{} = ∂L/∂z{} = {}", sub(i + 1), sub(i + 1), num(*d)).unwrap();
        }
        for i in 0..gradients.dl_dw.nrows() {
            for j in 0..gradients.dl_dw.ncols() {
                writeln!(out, "  ∂L/∂w{}{} = {}", sub(i + 1), sub(j + 1), num(gradients.dl_dw[(i, j)])).unwrap();
            }
        }
        for (i, g) in gradients.dl_db.iter().enumerate() {
            writeln!(out, "  ∂L/∂b{} = {}", sub(i + 1), num(*g)).unwrap();
        }
        writeln!(out, "After one step θ ← θ - α ∂L/∂θ").unwrap();
        write_matrix(out, "w", &stepped.w);
        write_vector(out, "b", &stepped.b);
        writeln!(out, "  L = {} (before {}, change {})", num(after), num(value), num(after - value)).unwrap();
    }

    circulated_version(out, &example, &forward)?;
    Ok(())
}

fn circulated_version(out: &mut String, example: &layer::Example, forward: &layer::Forward) -> crate::Result<()> {
    let gradients = example.layer.backward(Loss::CrossEntropy, &example.x, &example.t, forward)?;
    let stepped = example.layer.step(&gradients, example.alpha)?;
    let loss = layer::loss_from_logits(Loss::CrossEntropy, &example.t, &forward.z)?;
    let w11 = example.layer.w[(0, 0)];

    writeln!(out).unwrap();
    writeln!(out, "Common mistake: the circulated figures beside the correct ones").unwrap();
    writeln!(out, "  z₂: circulated {}, correct {}", num(circulated::Z2), num(forward.z[1])).unwrap();
    writeln!(
        out,
        "  σ(z₁): circulated {}, correct {}; {} would need z₁ = {}",
        num(circulated::SIGMOID_OF_Z1),
        num(forward.y_hat[0]),
        num(circulated::SIGMOID_OF_Z1),
        num(circulated::logit(circulated::SIGMOID_OF_Z1))
    )
    .unwrap();
    writeln!(
        out,
        "  L: circulated {}, correct {}; -ln {} = {}",
        num(circulated::LOSS),
        num(loss),
        num(circulated::SIGMOID_OF_Z1),
        num(circulated::loss_from_circulated_output())
    )
    .unwrap();
    writeln!(
        out,
        "  ∂L/∂z₁: circulated formula -ŷ₁(1 - ŷ₁) = {}, correct ŷ₁ - 1 = {}",
        num(circulated::circulated_output_gradient(forward.y_hat[0])),
        num(gradients.delta[0])
    )
    .unwrap();
    writeln!(
        out,
        "  w₁₁ after the step: circulated {}, correct {}",
        num(circulated::W11_AFTER_STEP),
        num(stepped.w[(0, 0)])
    )
    .unwrap();
    writeln!(
        out,
        "    with the circulated gradient {}: {} - {} · ({}) = {}",
        num(circulated::DL_DW11),
        num(w11),
        num(example.alpha),
        num(circulated::DL_DW11),
        num(circulated::step_with_circulated_gradient(w11, example.alpha))
    )
    .unwrap();
    Ok(())
}

fn hidden_layer(out: &mut String) -> crate::Result<()> {
    let example = network::Example::hidden_layer();
    let (x, t, alpha, net) = (&example.x, &example.t, example.alpha, &example.network);

    writeln!(out).unwrap();
    writeln!(out, "Example 2: a hidden layer, h = σ(W⁽¹⁾x + b⁽¹⁾), ŷ = softmax(W⁽²⁾h + b⁽²⁾)").unwrap();
    writeln!(out).unwrap();
    writeln!(out, "Inputs").unwrap();
    writeln!(out, "  x = {}", vector(x)).unwrap();
    writeln!(out, "  W⁽¹⁾ = {}", matrix(&net.w1)).unwrap();
    writeln!(out, "  b⁽¹⁾ = {}", vector(&net.b1)).unwrap();
    writeln!(out, "  W⁽²⁾ = {}", matrix(&net.w2)).unwrap();
    writeln!(out, "  b⁽²⁾ = {}", vector(&net.b2)).unwrap();
    writeln!(out, "  t = {}", vector(t)).unwrap();
    writeln!(out, "  α = {}", num(alpha)).unwrap();

    let forward = net.forward(x, t)?;
    writeln!(out).unwrap();
    writeln!(out, "Forward pass").unwrap();
    write_vector(out, "z⁽¹⁾", &forward.z1);
    write_vector(out, "h", &forward.h);
    write_vector(out, "z⁽²⁾", &forward.z2);
    write_vector(out, "ŷ", &forward.y_hat);
    writeln!(out, "  L = {}", num(forward.loss)).unwrap();

    let g = net.backward(x, t, &forward)?;
    writeln!(out).unwrap();
    writeln!(out, "Backward pass through the output layer").unwrap();
    write_vector(out, "∂L/∂ŷ", &g.dl_dy_hat);
    write_vector(out, "δ⁽²⁾", &g.delta2);
    write_matrix(out, "∂L/∂w⁽²⁾", &g.dl_dw2);
    write_vector(out, "∂L/∂b⁽²⁾", &g.dl_db2);

    // The page explains the softmax Jacobian here, before δ goes on to the hidden layer.
    softmax_jacobian(out)?;

    writeln!(out).unwrap();
    writeln!(out, "Backward pass through the hidden layer").unwrap();
    write_vector(out, "∂L/∂h", &g.dl_dh);
    for (i, z) in forward.z1.iter().enumerate() {
        writeln!(out, "  σ'(z⁽¹⁾{}) = {}", sub(i + 1), num(crate::sigmoid_prime(*z))).unwrap();
    }
    write_vector(out, "δ⁽¹⁾", &g.delta1);
    write_matrix(out, "∂L/∂w⁽¹⁾", &g.dl_dw1);
    write_vector(out, "∂L/∂b⁽¹⁾", &g.dl_db1);

    let stepped = net.step(&g, alpha)?;
    let after = stepped.forward(x, t)?.loss;
    writeln!(out).unwrap();
    writeln!(out, "After one step θ ← θ - α ∂L/∂θ").unwrap();
    write_matrix(out, "w⁽¹⁾", &stepped.w1);
    write_vector(out, "b⁽¹⁾", &stepped.b1);
    write_matrix(out, "w⁽²⁾", &stepped.w2);
    write_vector(out, "b⁽²⁾", &stepped.b2);
    writeln!(out, "  L = {} (before {}, change {})", num(after), num(forward.loss), num(after - forward.loss)).unwrap();
    Ok(())
}

fn softmax_jacobian(out: &mut String) -> crate::Result<()> {
    let z = [1.0, 2.0, 3.0];
    let upstream = [1.0, 0.0, 0.0];
    let s = ch02::softmax(&z)?;
    let full = ch02::softmax_backward(&s, &upstream)?;
    let diagonal: Vec<f64> = s.iter().zip(upstream).map(|(si, gi)| si * (1.0 - si) * gi).collect();

    writeln!(out).unwrap();
    writeln!(
        out,
        "Softmax backward for z = {} and upstream gradient {}",
        numfmt::vector(&z),
        numfmt::vector(&upstream)
    )
    .unwrap();
    writeln!(out, "  s = {}", numfmt::vector(&s)).unwrap();
    writeln!(out, "  full Jacobian:        ∂L/∂z = {}", numfmt::vector(&full)).unwrap();
    writeln!(out, "  diagonal s(1 - s) only: ∂L/∂z = {} (wrong)", numfmt::vector(&diagonal)).unwrap();
    Ok(())
}

fn gradient_check(out: &mut String) -> crate::Result<()> {
    let errors = crate::figures::gradient_check_errors()?;
    let (best_h, best_error) = crate::figures::best_step()?;

    writeln!(out).unwrap();
    writeln!(out, "Gradient check of example 2: max relative error of central differences with step h").unwrap();
    for (h, error) in errors.iter().step_by(2) {
        writeln!(out, "  h = {}: {}", num(*h), num(*error)).unwrap();
    }
    writeln!(out, "  smallest error {} at h = {}", num(best_error), num(best_h)).unwrap();
    Ok(())
}
