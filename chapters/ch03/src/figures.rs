//! The chapter's SVG figures: trajectories on contour plots, and the loss
//! against the step for several learning rates.
//!
//! The figures are drawn from the same runs as the report (see
//! [`crate::experiments`]). The output is byte-for-byte deterministic: the
//! SVG backend writes integer pixel coordinates and no timestamps.

use std::f64::consts::PI;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use figstyle::{font_size, spaced_in_pixels, AXIS_DESC_PX, COLUMN_WIDTH, FONT, LEGEND_PX, TICK_LABEL_PX};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::bowl::{Bowl, ILL_CONDITIONED_BOWL, ROUND_BOWL};
use crate::experiments::{bowl_runs, line_data, sgd_run, FIGURE_ALPHAS, SGD_ALPHAS, START};
use crate::optimizers::GradientDescent;
use crate::runs::{run_on_bowl, Run};

/// File name of the trajectory figure.
pub const TRAJECTORIES_FILE: &str = "ch03-trajectories.svg";

/// File name of the loss-versus-step figure.
pub const LOSS_FILE: &str = "ch03-loss-vs-step.svg";

/// Steps of each trajectory that the contour plots show.
pub const PLOTTED_STEPS: usize = 300;

/// Iterates marked with a dot on each trajectory, because later ones crowd the
/// minimum.
const MARKED_STEPS: usize = 40;

/// Steps on the horizontal axis of the loss figure.
pub const LOSS_STEPS: usize = 40;

/// The plotted window in θ₁ and θ₂, the same for both contour panels. The
/// ranges are about proportional to the plot area, so circles look round.
pub const THETA1_RANGE: (f64, f64) = (-1.0, 4.5);
/// See [`THETA1_RANGE`].
pub const THETA2_RANGE: (f64, f64) = (-0.5, 5.5);

/// The loss axis of the loss figure (log scale). Losses below the lower end are
/// left out of their curve.
pub const LOSS_RANGE: (f64, f64) = (1e-12, 1e5);

/// Points computed along each contour ellipse before [`spaced_in_pixels`]
/// thins them.
const CONTOUR_POINTS: usize = 2000;

/// Contour levels of both panels: the loss values L = 0.25, 1, 4, 9, 16, 25, 49, 100.
const CONTOUR_LEVELS: [f64; 8] = [0.25, 1.0, 4.0, 9.0, 16.0, 25.0, 49.0, 100.0];

const PALETTE: [RGBColor; 5] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
];
const CONTOUR_COLOR: RGBColor = RGBColor(190, 190, 190);

/// Sizes of the two figures in pixels.
const TRAJECTORIES_SIZE: (u32, u32) = (COLUMN_WIDTH, 580);
const LOSS_SIZE: (u32, u32) = (COLUMN_WIDTH, 520);

/// Height of the strip under the two contour panels that contains their
/// shared legend, in pixels.
const LEGEND_STRIP_PX: u32 = 76;

/// Title size in CSS pixels, a pixel under the other chapters' so that the
/// two panel titles fit their half of the column.
const TITLE_PX: f64 = 17.0;

/// Shortest segment of a drawn contour, in pixels. The SVG backend rounds
/// every point to whole pixels, so much shorter segments would each bend
/// the ellipse visibly, and much longer ones would show as corners on the
/// smallest ellipse.
const MIN_SEGMENT_PX: i32 = 6;

/// Writes the chapter's figures into `dir` (created when missing) and returns
/// their paths.
///
/// # Errors
/// When a run fails, when drawing fails, or when a file cannot be written.
pub fn write_figures(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir).with_context(|| format!("could not create the figure folder {}", dir.display()))?;

    let figures = [(TRAJECTORIES_FILE, trajectories_svg()?), (LOSS_FILE, loss_svg()?)];
    let mut paths = Vec::new();
    for (name, svg) in figures {
        let path = dir.join(name);
        fs::write(&path, svg).with_context(|| format!("could not write the figure {}", path.display()))?;
        paths.push(path);
    }
    Ok(paths)
}

/// Runs the trajectories that the contour figure draws for one bowl: gradient
/// descent, momentum and Adam from [`bowl_runs`] (except gradient descent at
/// the stability edge), and noisy SGD at the larger SGD learning rate.
pub fn trajectories(ill_conditioned: bool) -> anyhow::Result<Vec<(String, Run)>> {
    let bowl = if ill_conditioned { ILL_CONDITIONED_BOWL } else { ROUND_BOWL };
    let mut runs: Vec<(String, Run)> = bowl_runs(&bowl, PLOTTED_STEPS)?.into_iter().skip(1).collect();

    let data = line_data(ill_conditioned, true)?;
    let alpha = SGD_ALPHAS[0];
    runs.push((format!("SGD, α = {}, noisy data", numfmt::num(alpha)), sgd_run(&data, alpha, PLOTTED_STEPS)?));
    Ok(runs)
}

/// Runs gradient descent on the round bowl once per α in [`FIGURE_ALPHAS`],
/// for the loss figure.
pub fn loss_runs() -> anyhow::Result<Vec<(f64, Run)>> {
    FIGURE_ALPHAS
        .iter()
        .map(|&alpha| {
            let mut optimizer = GradientDescent::new(alpha)?;
            Ok((alpha, run_on_bowl(&ROUND_BOWL, &mut optimizer, START, LOSS_STEPS)?))
        })
        .collect()
}

fn trajectories_svg() -> anyhow::Result<String> {
    let round = trajectories(false)?;
    let ill_conditioned = trajectories(true)?;
    // Both panels run the same methods in the same order, so one legend with
    // the round bowl's labels serves both.
    let labels: Vec<&str> = round.iter().map(|(label, _)| label.as_str()).collect();
    let panels = [
        ("Round bowl (θ₁ − 1)² + (θ₂ − 2)²", ROUND_BOWL, &round),
        ("Ill-conditioned bowl (θ₁ − 1)² + 10(θ₂ − 2)²", ILL_CONDITIONED_BOWL, &ill_conditioned),
    ];

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, TRAJECTORIES_SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        let (plots, legend) = root.split_vertically(TRAJECTORIES_SIZE.1 - LEGEND_STRIP_PX);
        for (area, (title, bowl, runs)) in plots.split_evenly((1, 2)).iter().zip(&panels) {
            draw_contour_panel(area, title, bowl, runs)?;
        }
        draw_trajectory_legend(&legend, &labels)?;
        root.present()?;
    }
    Ok(svg)
}

fn draw_contour_panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    title: &str,
    bowl: &Bowl,
    runs: &[(String, Run)],
) -> anyhow::Result<()> {
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, font_size(TITLE_PX)))
        .margin(10)
        .x_label_area_size(48)
        .y_label_area_size(48)
        .build_cartesian_2d(THETA1_RANGE.0..THETA1_RANGE.1, THETA2_RANGE.0..THETA2_RANGE.1)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("θ₁")
        .y_desc("θ₂")
        .x_label_formatter(&|v| numfmt::num(*v))
        .y_label_formatter(&|v| numfmt::num(*v))
        .axis_desc_style((FONT, font_size(AXIS_DESC_PX)))
        .label_style((FONT, font_size(TICK_LABEL_PX)))
        .draw()?;

    // plotters 0.3.7 moves points outside the plotted window onto its edge,
    // which would trace the hidden part of a large ellipse along the frame,
    // so only the arcs inside the window are drawn.
    for level in CONTOUR_LEVELS {
        for arc in arcs_inside_window(&contour(bowl, level)) {
            let arc = spaced_in_pixels(&arc, MIN_SEGMENT_PX, |p| chart.backend_coord(p));
            chart.draw_series(LineSeries::new(arc, CONTOUR_COLOR))?;
        }
    }

    for (index, (_, run)) in runs.iter().enumerate() {
        let color = PALETTE[index % PALETTE.len()];
        let points: Vec<(f64, f64)> = run.thetas.iter().map(|t| (t[0], t[1])).collect();
        let marked = points[..points.len().min(MARKED_STEPS + 1)].to_vec();
        chart.draw_series(marked.into_iter().map(|p| Circle::new(p, 2, color.filled())))?;
        chart.draw_series(LineSeries::new(points, color.stroke_width(2)))?;
    }

    let [m1, m2] = bowl.minimum();
    chart.draw_series(std::iter::once(Cross::new((m1, m2), 6, BLACK.stroke_width(2))))?;
    chart.draw_series(std::iter::once(Circle::new((START[0], START[1]), 4, BLACK.filled())))?;
    Ok(())
}

/// Draws the legend of the trajectory figure in `area`, three entries to a
/// row. Each run label gets a line in its colour from [`draw_contour_panel`],
/// and entries for the start and the minimum follow.
fn draw_trajectory_legend(area: &DrawingArea<SVGBackend<'_>, Shift>, run_labels: &[&str]) -> anyhow::Result<()> {
    // Left edges of the three columns. The middle column is the widest,
    // because it contains the momentum label.
    const COLUMN_X: [i32; 3] = [40, 340, 670];
    const FIRST_ROW_Y: i32 = 18;
    const ROW_PX: i32 = 28;
    const SAMPLE_PX: i32 = 26;

    let text = TextStyle::from((FONT, font_size(LEGEND_PX)).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    let entry = |index: usize| {
        let row = (index / COLUMN_X.len()) as i32;
        (COLUMN_X[index % COLUMN_X.len()], FIRST_ROW_Y + row * ROW_PX)
    };

    for (index, label) in run_labels.iter().enumerate() {
        let (x, y) = entry(index);
        let color = PALETTE[index % PALETTE.len()];
        area.draw(&PathElement::new(vec![(x, y), (x + SAMPLE_PX, y)], color.stroke_width(2)))?;
        area.draw(&Text::new(label.to_string(), (x + SAMPLE_PX + 8, y), text.clone()))?;
    }

    let (x, y) = entry(run_labels.len());
    area.draw(&Circle::new((x + SAMPLE_PX / 2, y), 4, BLACK.filled()))?;
    area.draw(&Text::new(format!("start θ₀ = {}", numfmt::vector(&START)), (x + SAMPLE_PX + 8, y), text.clone()))?;

    let (x, y) = entry(run_labels.len() + 1);
    area.draw(&Cross::new((x + SAMPLE_PX / 2, y), 6, BLACK.stroke_width(2)))?;
    area.draw(&Text::new("minimum θ*", (x + SAMPLE_PX + 8, y), text))?;
    Ok(())
}

/// Splits `points` into the runs of consecutive points that lie inside
/// [`THETA1_RANGE`] × [`THETA2_RANGE`], dropping the points outside.
fn arcs_inside_window(points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let inside = |&(t1, t2): &(f64, f64)| {
        (THETA1_RANGE.0..=THETA1_RANGE.1).contains(&t1) && (THETA2_RANGE.0..=THETA2_RANGE.1).contains(&t2)
    };
    let mut arcs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for point in points {
        if inside(point) {
            current.push(*point);
        } else if !current.is_empty() {
            arcs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        arcs.push(current);
    }
    arcs
}

/// Points of the contour L(θ) = `level`: the ellipse
/// θ = θ* + (√(level/c₁) cos φ, √(level/c₂) sin φ).
fn contour(bowl: &Bowl, level: f64) -> Vec<(f64, f64)> {
    let [c1, c2] = bowl.weights();
    let [m1, m2] = bowl.minimum();
    let (a, b) = ((level / c1).sqrt(), (level / c2).sqrt());
    (0..=CONTOUR_POINTS)
        .map(|k| {
            let phi = 2.0 * PI * k as f64 / CONTOUR_POINTS as f64;
            (m1 + a * phi.cos(), m2 + b * phi.sin())
        })
        .collect()
}

fn loss_svg() -> anyhow::Result<String> {
    let runs = loss_runs()?;

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, LOSS_SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        // The axis starts a little below LOSS_RANGE.0, because plotters puts
        // the first tick at the first power of ten above the axis start, and
        // log10(1e-12) in floating point can come out just above -12.
        let axis = (LOSS_RANGE.0 * 0.9)..LOSS_RANGE.1;
        let mut chart = ChartBuilder::on(&root)
            .caption("Loss against step on the round bowl from θ₀ = [3, 5]", (FONT, font_size(TITLE_PX)))
            .margin(16)
            .x_label_area_size(52)
            .y_label_area_size(72)
            .build_cartesian_2d(0..LOSS_STEPS, axis.log_scale())?;
        chart
            .configure_mesh()
            .x_desc("step t")
            .y_desc("loss L (log scale)")
            // Nine ticks over 17 decades make plotters label every second power of ten.
            .y_labels(9)
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .axis_desc_style((FONT, font_size(AXIS_DESC_PX)))
            .label_style((FONT, font_size(TICK_LABEL_PX)))
            .light_line_style(WHITE.mix(0.0))
            .draw()?;

        for (index, (alpha, run)) in runs.iter().enumerate() {
            let color = PALETTE[index % PALETTE.len()];
            // A curve stops where its loss drops below the axis.
            let points: Vec<(usize, f64)> = run
                .losses
                .iter()
                .enumerate()
                .take_while(|(_, loss)| **loss >= LOSS_RANGE.0)
                .map(|(t, loss)| (t, *loss))
                .collect();
            chart
                .draw_series(LineSeries::new(points, color.stroke_width(2)))?
                .label(format!("α = {}", numfmt::num(*alpha)))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
        }

        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerLeft)
            .label_font((FONT, font_size(LEGEND_PX)))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trajectories_fit_plotted_window() {
        for ill_conditioned in [false, true] {
            for (label, run) in trajectories(ill_conditioned).unwrap() {
                for theta in &run.thetas {
                    let inside = (THETA1_RANGE.0..=THETA1_RANGE.1).contains(&theta[0])
                        && (THETA2_RANGE.0..=THETA2_RANGE.1).contains(&theta[1]);
                    assert!(inside, "{label}: θ = {theta:?} lies outside the plotted window");
                }
            }
        }
    }

    #[test]
    fn loss_runs_stay_below_axis_top() {
        for (alpha, run) in loss_runs().unwrap() {
            let largest = run.losses.iter().fold(0.0, |a: f64, &b| a.max(b));
            assert!(largest <= LOSS_RANGE.1, "α = {alpha}: loss {largest} above the axis");
        }
    }
}
