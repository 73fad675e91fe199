//! The chapter's figure: how the error of a finite-difference gradient check
//! depends on the step size h.

use std::path::{Path, PathBuf};

use plotters::prelude::*;

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

/// Writes `ch04-gradient-check.svg` into `dir` and returns its path.
pub fn write_figures(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
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
    Ok(vec![path])
}
