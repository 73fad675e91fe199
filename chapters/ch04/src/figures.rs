//! The chapter's figures: the computation graph of the single-layer example
//! with its forward and backward values, and how the error of a
//! finite-difference gradient check depends on the step size h.

use std::path::{Path, PathBuf};

use numfmt::num;
use plotters::prelude::*;

use crate::layer::{self, Loss};
use crate::network::Example;

/// Step sizes h = 10⁻¹, 10^(−1.5), …, 10⁻¹³ used by [`gradient_check_errors`].
pub fn step_sizes() -> Vec<f64> {
    (2..=26).map(|k| 10f64.powf(-(k as f64) / 2.0)).collect()
}

// ANCHOR: gradient_check_errors
/// Returns (h, e) pairs: e is the largest relative error between the
/// backward pass and central differences with step h, over all parameters of
/// the hidden-layer example.
///
/// Large h leaves truncation error O(h²), and small h leaves rounding error
/// O(ε/h) with ε ≈ 2.2e-16, so e is smallest in between.
pub fn gradient_check_errors() -> crate::Result<Vec<(f64, f64)>> {
    let example = Example::hidden_layer();
    let net = &example.network;
    let forward = net.forward(&example.x, &example.t)?;
    let analytic = net.backward(&example.x, &example.t, &forward)?.to_flat();

    let loss = |theta: &[f64]| {
        net.from_flat(theta)
            .forward(&example.x, &example.t)
            .map(|f| f.loss)
            .unwrap_or(f64::NAN)
    };

    Ok(step_sizes()
        .into_iter()
        .map(|h| {
            let numeric = gradcheck::central_difference(loss, &net.to_flat(), h);
            (h, gradcheck::max_relative_error(&analytic, &numeric))
        })
        .collect())
}
// ANCHOR_END: gradient_check_errors

/// Returns the (h, e) pair of [`gradient_check_errors`] with the smallest e.
pub fn best_step() -> crate::Result<(f64, f64)> {
    let errors = gradient_check_errors()?;
    Ok(errors.into_iter().fold((f64::NAN, f64::INFINITY), |best, p| if p.1 < best.1 { p } else { best }))
}

/// Writes `ch04-computation-graph.svg` and `ch04-gradient-check.svg` into
/// `dir` and returns their paths.
pub fn write_figures(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    Ok(vec![write_computation_graph(dir)?, write_gradient_check(dir)?])
}

/// Pixel position of a node in the computation graph.
type Point = (i32, i32);

fn write_computation_graph(dir: &Path) -> anyhow::Result<PathBuf> {
    let path = dir.join("ch04-computation-graph.svg");
    let example = layer::Example::classic();
    let forward = example.layer.forward(&example.x)?;
    let loss = layer::loss_from_logits(Loss::CrossEntropy, &example.t, &forward.z)?;
    let gradients = example.layer.backward(Loss::CrossEntropy, &example.x, &example.t, &forward)?;

    let inputs: [Point; 2] = [(90, 110), (90, 250)];
    let pre_activations: [Point; 2] = [(290, 110), (290, 250)];
    let activations: [Point; 2] = [(470, 110), (470, 250)];
    let output: Point = (640, 180);

    let root = SVGBackend::new(&path, (720, 360)).into_drawing_area();
    root.fill(&WHITE)?;
    let label = ("sans-serif", 15).into_font().color(&BLACK);
    let forward_style = ("sans-serif", 13).into_font().color(&BLUE);
    let backward_style = ("sans-serif", 13).into_font().color(&RED);

    root.draw(&Text::new("forward values in blue, ∂L/∂(node) in red", (20, 20), label.clone()))?;

    // Edges first, so the nodes are drawn over their ends.
    for (i, &z) in pre_activations.iter().enumerate() {
        for (j, &x) in inputs.iter().enumerate() {
            arrow(&root, x, z)?;
            let at = (x.0 + (z.0 - x.0) * 3 / 10 - 6, x.1 + (z.1 - x.1) * 3 / 10 - 20);
            root.draw(&Text::new(format!("w{}{}", subscript(i), subscript(j)), at, label.clone()))?;
        }
        arrow(&root, z, activations[i])?;
        root.draw(&Text::new("σ", ((z.0 + activations[i].0) / 2 - 4, z.1 - 22), label.clone()))?;
        arrow(&root, activations[i], output)?;
    }

    for (j, &x) in inputs.iter().enumerate() {
        node(&root, x, &format!("x{}", subscript(j)))?;
        root.draw(&Text::new(num(example.x[j]), (x.0 - 10, x.1 + 34), forward_style.clone()))?;
    }
    for (i, &z) in pre_activations.iter().enumerate() {
        node(&root, z, &format!("z{}", subscript(i)))?;
        root.draw(&Text::new(format!("+ b{} = {}", subscript(i), num(example.layer.b[i])), (z.0 - 30, z.1 - 52), label.clone()))?;
        root.draw(&Text::new(num(forward.z[i]), (z.0 - 14, z.1 + 34), forward_style.clone()))?;
        root.draw(&Text::new(num(gradients.delta[i]), (z.0 - 30, z.1 + 52), backward_style.clone()))?;
    }
    for (i, &a) in activations.iter().enumerate() {
        node(&root, a, &format!("ŷ{}", subscript(i)))?;
        root.draw(&Text::new(num(forward.y_hat[i]), (a.0 - 30, a.1 + 34), forward_style.clone()))?;
        root.draw(&Text::new(num(gradients.dl_dy_hat[i]), (a.0 - 30, a.1 + 52), backward_style.clone()))?;
    }
    node(&root, output, "L")?;
    root.draw(&Text::new(num(loss), (output.0 - 30, output.1 + 34), forward_style))?;
    root.present()?;
    drop(root);
    Ok(path)
}

/// Subscript digit for a 0-based index, shown 1-based as on the page.
fn subscript(index: usize) -> char {
    char::from_u32('₁' as u32 + index as u32).expect("index is a single digit")
}

fn node<DB: DrawingBackend>(area: &DrawingArea<DB, plotters::coord::Shift>, at: Point, name: &str) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    area.draw(&Circle::new(at, 20, WHITE.filled()))?;
    area.draw(&Circle::new(at, 20, BLACK.stroke_width(2)))?;
    area.draw(&Text::new(name.to_owned(), (at.0 - 8, at.1 - 8), ("sans-serif", 17).into_font()))?;
    Ok(())
}

fn arrow<DB: DrawingBackend>(area: &DrawingArea<DB, plotters::coord::Shift>, from: Point, to: Point) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    // Stop at the target circle's edge and draw a small head there.
    let (dx, dy) = ((to.0 - from.0) as f64, (to.1 - from.1) as f64);
    let length = (dx * dx + dy * dy).sqrt();
    let (ux, uy) = (dx / length, dy / length);
    let tip = ((to.0 as f64 - ux * 21.0) as i32, (to.1 as f64 - uy * 21.0) as i32);
    let back = (tip.0 as f64 - ux * 9.0, tip.1 as f64 - uy * 9.0);
    let left = ((back.0 - uy * 4.0) as i32, (back.1 + ux * 4.0) as i32);
    let right = ((back.0 + uy * 4.0) as i32, (back.1 - ux * 4.0) as i32);
    area.draw(&PathElement::new(vec![from, tip], BLACK.stroke_width(1)))?;
    area.draw(&Polygon::new(vec![tip, left, right], BLACK.filled()))?;
    Ok(())
}

fn write_gradient_check(dir: &Path) -> anyhow::Result<PathBuf> {
    let path = dir.join("ch04-gradient-check.svg");
    let errors = gradient_check_errors()?;
    // Rounding can make e exactly 0 at a lucky h; a log axis cannot show 0.
    let points: Vec<(f64, f64)> = errors.iter().map(|&(h, e)| (h, e.max(1e-16))).collect();

    {
        let root = SVGBackend::new(&path, (640, 400)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption("Gradient check error against step size", ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d((1e-13..1e-1).log_scale(), (1e-12..1.0).log_scale())?;
        chart
            .configure_mesh()
            .x_desc("step size h")
            .y_desc("max relative error")
            .x_label_formatter(&|v| format!("{v:.0e}"))
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .draw()?;
        chart.draw_series(LineSeries::new(points.iter().copied(), BLUE.stroke_width(2)))?;
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, BLUE.filled())))?;
        root.present()?;
    }
    Ok(path)
}
