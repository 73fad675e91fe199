//! The chapter's figures, drawn from a run summary with plotters.
//!
//! Plotting reads only a [`Summary`], so redrawing the book's figures from
//! the committed reference run takes milliseconds and never retrains.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use figstyle::{font_size, AXIS_DESC_PX, COLUMN_WIDTH as WIDTH, FONT, LEGEND_PX, TICK_LABEL_PX, TITLE_PX};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::atomic;
use crate::summary::Summary;

/// File names of the figures, in the order [`write_summary_figures`] returns them.
pub const FIGURE_NAMES: [&str; 3] = ["ch05-training-curves.svg", "ch05-test-digits.svg", "ch05-confusion-matrix.svg"];

/// Font sizes of the digit captions and the confusion counts in CSS pixels.
const CAPTION_PX: f64 = 15.0;
const COUNT_PX: f64 = 14.0;

const TRAIN_COLOR: RGBColor = RGBColor(31, 119, 180);
const TEST_COLOR: RGBColor = RGBColor(214, 39, 40);
const MISTAKE_COLOR: RGBColor = RGBColor(200, 0, 0);

/// Writes the figures of the committed reference run into `dir`.
pub fn write_figures(dir: &Path) -> Result<Vec<PathBuf>> {
    write_summary_figures(&crate::reference::reference_run()?, dir)
}

/// Draws one figure of a summary as SVG into a string; the path names the
/// figure's file in error messages.
type DrawFigure = fn(&Summary, &Path, &mut String) -> Result<()>;

/// Writes the three figures of `summary` into `dir` and returns their paths.
///
/// Each figure is drawn into memory and written atomically, so a drawing
/// error or an interrupted run leaves any older figure in place and never a
/// partly drawn one.
pub fn write_summary_figures(summary: &Summary, dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("failed to create {}; pass a writable --out-dir", dir.display()))?;
    let paths: Vec<PathBuf> = FIGURE_NAMES.iter().map(|name| dir.join(name)).collect();
    let draw: [DrawFigure; 3] = [draw_training_curves, draw_digit_grid, draw_confusion_matrix];
    for (path, draw) in paths.iter().zip(draw) {
        let mut svg = String::new();
        draw(summary, path, &mut svg)?;
        atomic::write_bytes(path, svg.as_bytes())
            .with_context(|| format!("failed to write the figure {}; pass a writable --out-dir", path.display()))?;
    }
    Ok(paths)
}

/// Converts a plotters error, which borrows the backend, into an owned one.
fn plot_error<E: std::fmt::Debug>(path: &Path) -> impl FnOnce(E) -> anyhow::Error + '_ {
    move |error| anyhow::anyhow!("failed to draw {}: {error:?}", path.display())
}

/// Draws the loss and accuracy per epoch, training and test, side by side,
/// into `svg`; `path` is the figure's file, for error messages.
fn draw_training_curves(summary: &Summary, path: &Path, svg: &mut String) -> Result<()> {
    let root = SVGBackend::with_string(svg, (WIDTH, 400)).into_drawing_area();
    root.fill(&WHITE).map_err(plot_error(path))?;
    let (left, right) = root.split_horizontally(WIDTH / 2);
    let epochs = summary.history.len().max(1) as f64;
    let x_range = 0.5..epochs + 0.5;

    let losses = summary.history.iter().flat_map(|e| [e.train_loss, e.test_loss]);
    let max_loss = losses.fold(0.0_f64, f64::max) * 1.1;
    let mut chart = ChartBuilder::on(&left)
        .caption("Loss per epoch", (FONT, font_size(TITLE_PX)))
        .margin(12)
        .x_label_area_size(52)
        .y_label_area_size(72)
        .build_cartesian_2d(x_range.clone(), 0.0..max_loss.max(1e-3))
        .map_err(plot_error(path))?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc("cross-entropy (nats)")
        .x_labels(summary.history.len().max(1))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .axis_desc_style((FONT, font_size(AXIS_DESC_PX)))
        .label_style((FONT, font_size(TICK_LABEL_PX)))
        .draw()
        .map_err(plot_error(path))?;
    let series = |select: fn(&crate::train::EpochMetrics) -> f64| {
        summary.history.iter().map(move |e| (e.epoch as f64, select(e))).collect::<Vec<_>>()
    };
    for (label, color, points) in
        [("train", TRAIN_COLOR, series(|e| e.train_loss)), ("test", TEST_COLOR, series(|e| e.test_loss))]
    {
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
            .map_err(plot_error(path))?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 22, y)], color.stroke_width(2)));
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled()))).map_err(plot_error(path))?;
    }
    chart
        .configure_series_labels()
        .label_font((FONT, font_size(LEGEND_PX)))
        .border_style(BLACK)
        .background_style(WHITE)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(plot_error(path))?;

    let accuracies = summary.history.iter().flat_map(|e| [e.train_accuracy, e.test_accuracy]);
    let min_accuracy = accuracies.fold(1.0_f64, f64::min) * 100.0;
    let lower = (min_accuracy - 1.0).floor().max(0.0);
    let mut chart = ChartBuilder::on(&right)
        .caption("Accuracy per epoch", (FONT, font_size(TITLE_PX)))
        .margin(12)
        .x_label_area_size(52)
        .y_label_area_size(72)
        .build_cartesian_2d(x_range, lower..100.0)
        .map_err(plot_error(path))?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc("accuracy (%)")
        .x_labels(summary.history.len().max(1))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .axis_desc_style((FONT, font_size(AXIS_DESC_PX)))
        .label_style((FONT, font_size(TICK_LABEL_PX)))
        .draw()
        .map_err(plot_error(path))?;
    for (label, color, points) in [
        ("train", TRAIN_COLOR, series(|e| 100.0 * e.train_accuracy)),
        ("test", TEST_COLOR, series(|e| 100.0 * e.test_accuracy)),
    ] {
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
            .map_err(plot_error(path))?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 22, y)], color.stroke_width(2)));
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled()))).map_err(plot_error(path))?;
    }
    chart
        .configure_series_labels()
        .label_font((FONT, font_size(LEGEND_PX)))
        .border_style(BLACK)
        .background_style(WHITE)
        .position(SeriesLabelPosition::LowerRight)
        .draw()
        .map_err(plot_error(path))?;

    root.present().map_err(plot_error(path))?;
    Ok(())
}

/// Pixels per image pixel in the digit grid.
const PIXEL: i32 = 4;
/// Gray levels the digit images are quantised to, so runs of equal pixels
/// merge into one rectangle and the SVG stays small.
const GRAY_LEVELS: u8 = 16;

/// Draws a 5 × 5 grid of test digits labelled "prediction / truth"; mistakes have
/// a red frame and a red label.
fn draw_digit_grid(summary: &Summary, path: &Path, svg: &mut String) -> Result<()> {
    const COLUMNS: i32 = 5;
    const CELL_WIDTH: i32 = WIDTH as i32 / COLUMNS;
    const IMAGE: i32 = 28 * PIXEL;
    /// Room under each image for its caption.
    const CELL_HEIGHT: i32 = IMAGE + 36;
    const TOP: i32 = 48;
    let rows = (summary.digits.len() as i32 + COLUMNS - 1) / COLUMNS;
    let size = (WIDTH, (TOP + rows.max(1) * CELL_HEIGHT) as u32);

    let root = SVGBackend::with_string(svg, size).into_drawing_area();
    root.fill(&WHITE).map_err(plot_error(path))?;
    let title = "Test digits: prediction / truth (mistakes in red)";
    let title_style = TextStyle::from((FONT, font_size(TITLE_PX)).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
    root.draw(&Text::new(title, (WIDTH as i32 / 2, 14), title_style)).map_err(plot_error(path))?;

    for (position, digit) in summary.digits.iter().enumerate() {
        let centre = (position as i32 % COLUMNS) * CELL_WIDTH + CELL_WIDTH / 2;
        let left = centre - IMAGE / 2;
        let top = TOP + (position as i32 / COLUMNS) * CELL_HEIGHT;
        let mistake = digit.label != digit.prediction;

        let pixels = digit.pixel_bytes()?;
        for (row, line) in pixels.chunks(28).enumerate() {
            let mut column = 0;
            while column < 28 {
                let level = line[column] / (256 / GRAY_LEVELS as u16) as u8;
                let start = column;
                while column < 28 && line[column] / (256 / GRAY_LEVELS as u16) as u8 == level {
                    column += 1;
                }
                if level == 0 {
                    continue;
                }
                let gray = 255 - (u16::from(level) * 255 / u16::from(GRAY_LEVELS - 1)) as u8;
                let x0 = left + start as i32 * PIXEL;
                let y0 = top + row as i32 * PIXEL;
                let rectangle = [(x0, y0), (left + column as i32 * PIXEL, y0 + PIXEL)];
                root.draw(&Rectangle::new(rectangle, RGBColor(gray, gray, gray).filled())).map_err(plot_error(path))?;
            }
        }

        let frame_color = if mistake { MISTAKE_COLOR } else { RGBColor(190, 190, 190) };
        let frame = [(left - 1, top - 1), (left + IMAGE + 1, top + IMAGE + 1)];
        root.draw(&Rectangle::new(frame, frame_color.stroke_width(if mistake { 3 } else { 1 })))
            .map_err(plot_error(path))?;

        let caption = format!("{} / {}  (#{})", digit.prediction, digit.label, digit.index);
        let text_color = if mistake { MISTAKE_COLOR } else { BLACK };
        let style = TextStyle::from((FONT, font_size(CAPTION_PX)).into_font())
            .color(&text_color)
            .pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new(caption, (centre, top + IMAGE + 8), style)).map_err(plot_error(path))?;
    }
    root.present().map_err(plot_error(path))?;
    Ok(())
}

/// Draws the 10 × 10 confusion matrix of the test set, shaded on a log scale so
/// that single mistakes stay visible next to diagonals of about 1000.
fn draw_confusion_matrix(summary: &Summary, path: &Path, svg: &mut String) -> Result<()> {
    const CELL: i32 = 60;
    const TOP: i32 = 108;
    const BOTTOM: i32 = 20;
    let classes = summary.confusion.len() as i32;
    // The matrix is centred in the figure, with the row labels to its left.
    let left = (WIDTH as i32 - classes * CELL) / 2;
    let size = (WIDTH, (TOP + classes * CELL + BOTTOM) as u32);

    let root = SVGBackend::with_string(svg, size).into_drawing_area();
    root.fill(&WHITE).map_err(plot_error(path))?;
    let centred = Pos::new(HPos::Center, VPos::Center);
    let title = format!("Confusion matrix, {} test digits", summary.test_examples);
    let title_style = TextStyle::from((FONT, font_size(TITLE_PX)).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
    root.draw(&Text::new(title, (WIDTH as i32 / 2, 14), title_style)).map_err(plot_error(path))?;

    let axis_desc = TextStyle::from((FONT, font_size(AXIS_DESC_PX)).into_font()).pos(centred);
    let tick = TextStyle::from((FONT, font_size(TICK_LABEL_PX)).into_font()).pos(centred);
    let middle_y = TOP + classes * CELL / 2;
    root.draw(&Text::new("predicted class", (left + classes * CELL / 2, TOP - 44), axis_desc.clone()))
        .map_err(plot_error(path))?;
    root.draw(&Text::new("true class", (left - 70, middle_y), axis_desc)).map_err(plot_error(path))?;

    let max = summary.confusion.iter().flatten().copied().max().unwrap_or(1).max(1);
    for (truth, row) in summary.confusion.iter().enumerate() {
        let y = TOP + truth as i32 * CELL;
        root.draw(&Text::new(truth.to_string(), (left - 18, y + CELL / 2), tick.clone())).map_err(plot_error(path))?;
        for (predicted, &count) in row.iter().enumerate() {
            let x = left + predicted as i32 * CELL;
            if truth == 0 {
                root.draw(&Text::new(predicted.to_string(), (x + CELL / 2, TOP - 16), tick.clone()))
                    .map_err(plot_error(path))?;
            }
            let shade = if count == 0 { 0.0 } else { (1.0 + f64::from(count)).ln() / (1.0 + f64::from(max)).ln() };
            let fill = if truth == predicted {
                RGBColor(255 - (shade * 200.0) as u8, 255 - (shade * 120.0) as u8, 255 - (shade * 40.0) as u8)
            } else {
                RGBColor(255 - (shade * 20.0) as u8, 255 - (shade * 200.0) as u8, 255 - (shade * 200.0) as u8)
            };
            root.draw(&Rectangle::new([(x, y), (x + CELL, y + CELL)], fill.filled())).map_err(plot_error(path))?;
            root.draw(&Rectangle::new([(x, y), (x + CELL, y + CELL)], RGBColor(220, 220, 220).stroke_width(1)))
                .map_err(plot_error(path))?;
            if count > 0 {
                let color = if shade > 0.7 { WHITE } else { BLACK };
                let style = TextStyle::from((FONT, font_size(COUNT_PX)).into_font()).color(&color).pos(centred);
                root.draw(&Text::new(count.to_string(), (x + CELL / 2, y + CELL / 2), style))
                    .map_err(plot_error(path))?;
            }
        }
    }
    root.present().map_err(plot_error(path))?;
    Ok(())
}
