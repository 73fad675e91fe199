//! The chapter's figures: the loss −log p of one prediction, and softmax of
//! one logit vector at several temperatures.
//!
//! Both are SVG files written by plotters. Text is laid out with plotters'
//! built-in width estimate rather than real font metrics, so the output does
//! not depend on the fonts installed and is byte-for-byte the same on every
//! run.

use std::path::{Path, PathBuf};

use figstyle::{font_size, spaced_in_pixels, AXIS_DESC_PX, COLUMN_WIDTH, FONT, LEGEND_PX, TICK_LABEL_PX, TITLE_PX};
use plotters::prelude::*;

use crate::{circulated, examples, softmax_with_temperature};

/// Size of every figure in pixels.
const SIZE: (u32, u32) = (COLUMN_WIDTH, 520);

/// Shortest line segment of a drawn curve, in pixels, for
/// [`spaced_in_pixels`].
const MIN_SEGMENT_PX: i32 = 8;

/// One color per series, dark enough to read on white.
const COLORS: [RGBColor; 4] =
    [RGBColor(31, 119, 180), RGBColor(255, 127, 14), RGBColor(44, 160, 44), RGBColor(148, 103, 189)];

/// Writes `ch02-negative-log.svg` and `ch02-softmax-temperature.svg` into
/// `dir` (created when missing) and returns their paths.
pub fn write_figures(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let negative_log = dir.join("ch02-negative-log.svg");
    let temperature = dir.join("ch02-softmax-temperature.svg");
    write_negative_log(&negative_log)?;
    write_softmax_temperature(&temperature)?;
    Ok(vec![negative_log, temperature])
}

/// Returns n + 1 points (p, −log_b p) for p from b^(−y_max) to 1, evenly
/// spaced in p, so the curve starts where it enters the plot.
fn negative_log_curve(base: f64, y_max: f64, n: usize) -> Vec<(f64, f64)> {
    let p_min = base.powf(-y_max);
    (0..=n)
        .map(|i| {
            let p = p_min + (1.0 - p_min) * i as f64 / n as f64;
            (p, -p.log(base))
        })
        .collect()
}

fn write_negative_log(path: &Path) -> anyhow::Result<()> {
    let y_max = 4.0;
    let p = examples::TWO_CLASS_PREDICTION[1];

    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("Loss of one prediction: -log p of the true class", (FONT, font_size(TITLE_PX)))
        .margin(16)
        .x_label_area_size(52)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..1.0, 0.0..y_max)?;
    chart
        .configure_mesh()
        .x_desc("predicted probability p of the true class")
        .y_desc("loss")
        .axis_desc_style((FONT, font_size(AXIS_DESC_PX)))
        .label_style((FONT, font_size(TICK_LABEL_PX)))
        .draw()?;

    for (color, base, label) in [(COLORS[0], std::f64::consts::E, "-ln p (nats)"), (COLORS[1], 2.0, "-log₂ p (bits)")]
    {
        let curve =
            spaced_in_pixels(&negative_log_curve(base, y_max, 4000), MIN_SEGMENT_PX, |p| chart.backend_coord(p));
        chart
            .draw_series(LineSeries::new(curve, color.stroke_width(2)))?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    let worked = [(COLORS[0], -p.ln()), (COLORS[1], -p.log2())];
    chart
        .draw_series(worked.map(|(color, loss)| Circle::new((p, loss), 4, color.filled())))?
        .label(format!("p = {}: {} nats, {} bits", numfmt::num(p), numfmt::num(worked[0].1), numfmt::num(worked[1].1)))
        .legend(|(x, y)| Circle::new((x + 10, y), 4, BLACK.filled()));
    chart
        .draw_series([Cross::new((p, circulated::LOSS), 5, RED.stroke_width(2))])?
        .label("circulated 0.386 at p = 0.8, on neither curve")
        .legend(|(x, y)| Cross::new((x + 10, y), 5, RED.stroke_width(2)));

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font((FONT, font_size(LEGEND_PX)))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

fn write_softmax_temperature(path: &Path) -> anyhow::Result<()> {
    let z = examples::TEMPERATURE_LOGITS;
    let temperatures = examples::TEMPERATURES;
    let bar_width = 0.8 / temperatures.len() as f64;

    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("softmax(z / T) for z = {}", numfmt::vector(&z)), (FONT, font_size(TITLE_PX)))
        .margin(16)
        .x_label_area_size(52)
        .y_label_area_size(60)
        .build_cartesian_2d(-0.5..(z.len() as f64 - 0.5), 0.0..1.0)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(z.len())
        .x_label_formatter(&|x| class_label(*x, &z))
        .x_desc("class")
        .y_desc("probability")
        .axis_desc_style((FONT, font_size(AXIS_DESC_PX)))
        .label_style((FONT, font_size(TICK_LABEL_PX)))
        .draw()?;

    for (k, (&t, color)) in temperatures.iter().zip(COLORS).enumerate() {
        let p = softmax_with_temperature(&z, t)?;
        let bars = p.iter().enumerate().map(|(i, &pi)| {
            let left = i as f64 - 0.4 + k as f64 * bar_width;
            Rectangle::new([(left, 0.0), (left + bar_width, pi)], color.filled())
        });
        chart
            .draw_series(bars)?
            .label(format!("T = {}", numfmt::num(t)))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
    }

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font((FONT, font_size(LEGEND_PX)))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// Names the class at axis position `x` as "class i: z = zᵢ" (i from 1, as
/// on the page), or returns an empty label between classes.
fn class_label(x: f64, z: &[f64]) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-9 || i < 0.0 || i as usize >= z.len() {
        return String::new();
    }
    format!("class {}: z = {}", i as usize + 1, numfmt::num(z[i as usize]))
}
