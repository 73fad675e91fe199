//! The chapter's figures, drawn with the plotters SVG backend.
//!
//! Every curve and point is computed with the chapter's own functions, and
//! the output depends on nothing but those values, so two runs write
//! byte-identical files.

use std::path::{Path, PathBuf};

use anyhow::Context;
use figstyle::{font_size, AXIS_DESC_PX, COLUMN_WIDTH, FONT, LEGEND_PX, TICK_LABEL_PX, TITLE_PX};
use numfmt::num;
use plotters::prelude::*;

use crate::regression::{self, X, Y};
use crate::{mse, mse_gradient, predict, PREDICTIONS, TARGETS};

/// Width and height of every figure, in pixels.
const SIZE: (u32, u32) = (COLUMN_WIDTH, 540);

/// Number of line segments of a drawn curve, about 13 px each. The SVG
/// backend rounds every point to whole pixels, so much shorter segments would
/// each bend the curve visibly.
const CURVE_SEGMENTS: usize = 60;

/// Writes the chapter's figures into `dir`, creating it if needed, and
/// returns their paths.
pub fn write_figures(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("failed to create the figure folder {}", dir.display()))?;

    let single_prediction = dir.join("ch01-mse-single-prediction.svg");
    draw_single_prediction(&single_prediction)
        .with_context(|| format!("failed to write {}", single_prediction.display()))?;

    let fit = dir.join("ch01-fit-residuals.svg");
    draw_fit_residuals(&fit).with_context(|| format!("failed to write {}", fit.display()))?;

    Ok(vec![single_prediction, fit])
}

/// Draws the MSE of the worked example as a function of ŷ₁, with ŷ₂, ŷ₃ and ŷ₄
/// fixed: a parabola with its minimum at ŷ₁ = y₁ and the tangent at the
/// example's prediction.
fn draw_single_prediction(path: &Path) -> anyhow::Result<()> {
    let loss_at = |y_hat_1: f64| -> anyhow::Result<f64> {
        let mut y_hat = PREDICTIONS;
        y_hat[0] = y_hat_1;
        Ok(mse(&y_hat, &TARGETS)?)
    };
    let (x_min, x_max) = (0.0, 6.0);
    let curve = (0..=CURVE_SEGMENTS)
        .map(|k| {
            let y_hat_1 = x_min + (x_max - x_min) * k as f64 / CURVE_SEGMENTS as f64;
            Ok((y_hat_1, loss_at(y_hat_1)?))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    let current = (PREDICTIONS[0], loss_at(PREDICTIONS[0])?);
    let minimum = (TARGETS[0], loss_at(TARGETS[0])?);
    let slope = mse_gradient(&PREDICTIONS, &TARGETS)?[0];
    let tangent: Vec<(f64, f64)> =
        [current.0 - 1.5, current.0 + 1.5].iter().map(|&t| (t, current.1 + slope * (t - current.0))).collect();

    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("MSE of the worked example as a function of ŷ₁", (FONT, font_size(TITLE_PX)))
        .margin(16)
        .x_label_area_size(52)
        .y_label_area_size(64)
        .build_cartesian_2d(x_min..x_max, 0.0..2.75)?;
    chart
        .configure_mesh()
        .x_desc(format!("prediction ŷ₁ (target y₁ = {})", num(TARGETS[0])))
        .y_desc("L = MSE")
        .x_label_formatter(&|v| num(*v))
        .y_label_formatter(&|v| num(*v))
        .axis_desc_style((FONT, font_size(AXIS_DESC_PX)))
        .label_style((FONT, font_size(TICK_LABEL_PX)))
        .light_line_style(BLACK.mix(0.04))
        .draw()?;

    chart
        .draw_series(LineSeries::new(curve, BLUE.stroke_width(2)))?
        .label("L(ŷ₁), other predictions fixed")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    chart
        .draw_series(LineSeries::new(tangent, RED.stroke_width(1)))?
        .label(format!("tangent at ŷ₁ = {}, slope ∂L/∂ŷ₁ = {}", num(current.0), num(slope)))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED));
    chart
        .draw_series(std::iter::once(Circle::new(current, 5, RED.filled())))?
        .label(format!("example: ŷ₁ = {}, L = {}", num(current.0), num(current.1)))
        .legend(|(x, y)| Circle::new((x + 10, y), 4, RED.filled()));
    chart
        .draw_series(std::iter::once(Circle::new(minimum, 5, BLACK.filled())))?
        .label(format!("minimum: ŷ₁ = {}, L = {}", num(minimum.0), num(minimum.1)))
        .legend(|(x, y)| Circle::new((x + 10, y), 4, BLACK.filled()));

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperMiddle)
        .label_font((FONT, font_size(LEGEND_PX)))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// Draws the regression points, the least-squares line from the normal equations,
/// and each residual rᵢ = yᵢ − ŷᵢ as a vertical segment.
fn draw_fit_residuals(path: &Path) -> anyhow::Result<()> {
    let theta = regression::normal_equations(&X, &Y)?.theta;
    let y_hat = predict(theta, &X);
    let (x_min, x_max) = (-0.5, 4.5);
    let line = predict(theta, &[x_min, x_max]);

    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("Least-squares line and its residuals", (FONT, font_size(TITLE_PX)))
        .margin(16)
        .x_label_area_size(52)
        .y_label_area_size(64)
        .build_cartesian_2d(x_min..x_max, 0.0..10.0)?;
    chart
        .configure_mesh()
        .x_desc("input x")
        .y_desc("target y")
        .x_label_formatter(&|v| num(*v))
        .y_label_formatter(&|v| num(*v))
        .axis_desc_style((FONT, font_size(AXIS_DESC_PX)))
        .label_style((FONT, font_size(TICK_LABEL_PX)))
        .light_line_style(BLACK.mix(0.04))
        .draw()?;

    chart
        .draw_series(LineSeries::new([(x_min, line[0]), (x_max, line[1])], BLUE.stroke_width(2)))?
        .label(format!("ŷ = {}·x + {}", num(theta[0]), num(theta[1])))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    chart
        .draw_series(
            X.iter()
                .zip(&Y)
                .zip(&y_hat)
                .map(|((&xi, &yi), &yi_hat)| PathElement::new(vec![(xi, yi_hat), (xi, yi)], RED.stroke_width(2))),
        )?
        .label("residual rᵢ = yᵢ − ŷᵢ")
        .legend(|(x, y)| PathElement::new(vec![(x + 10, y - 6), (x + 10, y + 6)], RED.stroke_width(2)));
    chart
        .draw_series(X.iter().zip(&Y).map(|(&xi, &yi)| Circle::new((xi, yi), 4, BLACK.filled())))?
        .label("data (xᵢ, yᵢ)")
        .legend(|(x, y)| Circle::new((x + 10, y), 4, BLACK.filled()));

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font((FONT, font_size(LEGEND_PX)))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
