//! The chapter's figures: the computation graph of the single-layer example
//! with its forward and backward values, and how the error of a
//! finite-difference gradient check depends on the step size h.

use std::path::{Path, PathBuf};

use figstyle::{font_size, AXIS_DESC_PX, COLUMN_WIDTH as WIDTH, FONT, TICK_LABEL_PX, TITLE_PX};
use numfmt::num;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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
            .and_then(|candidate| candidate.forward(&example.x, &example.t))
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

/// Font sizes of the computation graph in CSS pixels, next to the book's
/// 16 px body text.
const NODE_NAME_PX: f64 = 18.0;
const EDGE_LABEL_PX: f64 = 16.0;
const VALUE_PX: f64 = 15.0;

/// Radius of a node of the computation graph, in pixels.
const NODE_RADIUS: i32 = 24;

/// Pixel position of a node in the computation graph.
type Point = (i32, i32);

fn write_computation_graph(dir: &Path) -> anyhow::Result<PathBuf> {
    let path = dir.join("ch04-computation-graph.svg");
    let example = layer::Example::classic();
    let forward = example.layer.forward(&example.x)?;
    let loss = layer::loss_from_logits(Loss::CrossEntropy, &example.t, &forward.z)?;
    let gradients = example.layer.backward(Loss::CrossEntropy, &example.x, &example.t, &forward)?;

    let inputs: [Point; 2] = [(100, 130), (100, 310)];
    let pre_activations: [Point; 2] = [(350, 130), (350, 310)];
    let activations: [Point; 2] = [(580, 130), (580, 310)];
    let output: Point = (790, 220);

    let root = SVGBackend::new(&path, (WIDTH, 410)).into_drawing_area();
    root.fill(&WHITE)?;
    let centred = Pos::new(HPos::Center, VPos::Center);
    let label = TextStyle::from((FONT, font_size(EDGE_LABEL_PX)).into_font()).color(&BLACK);
    let edge_label = label.pos(Pos::new(HPos::Center, VPos::Bottom));
    // Values are centred under their node: the forward value first, the
    // gradient one line below it.
    let under = Pos::new(HPos::Center, VPos::Top);
    let forward_style = TextStyle::from((FONT, font_size(VALUE_PX)).into_font()).color(&BLUE).pos(under);
    let backward_style = TextStyle::from((FONT, font_size(VALUE_PX)).into_font()).color(&RED).pos(under);
    let forward_at = |node: Point| (node.0, node.1 + NODE_RADIUS + 8);
    let backward_at = |node: Point| (node.0, node.1 + NODE_RADIUS + 30);

    root.draw(&Text::new("forward values in blue, ∂L/∂(node) in red", (24, 24), label.clone()))?;

    // Edges first, so the nodes are drawn over their ends.
    for (i, &z) in pre_activations.iter().enumerate() {
        for (j, &x) in inputs.iter().enumerate() {
            arrow(&root, x, z)?;
            let at = (x.0 + (z.0 - x.0) * 3 / 10, x.1 + (z.1 - x.1) * 3 / 10 - 6);
            root.draw(&Text::new(format!("w{}{}", subscript(i), subscript(j)), at, edge_label.clone()))?;
        }
        arrow(&root, z, activations[i])?;
        root.draw(&Text::new("σ", ((z.0 + activations[i].0) / 2, z.1 - 6), edge_label.clone()))?;
        arrow(&root, activations[i], output)?;
    }

    for (j, &x) in inputs.iter().enumerate() {
        node(&root, x, &format!("x{}", subscript(j)), centred)?;
        root.draw(&Text::new(num(example.x[j]), forward_at(x), forward_style.clone()))?;
    }
    for (i, &z) in pre_activations.iter().enumerate() {
        node(&root, z, &format!("z{}", subscript(i)), centred)?;
        root.draw(&Text::new(
            format!("+ b{} = {}", subscript(i), num(example.layer.b[i])),
            (z.0, z.1 - NODE_RADIUS - 8),
            edge_label.clone(),
        ))?;
        root.draw(&Text::new(num(forward.z[i]), forward_at(z), forward_style.clone()))?;
        root.draw(&Text::new(num(gradients.delta[i]), backward_at(z), backward_style.clone()))?;
    }
    for (i, &a) in activations.iter().enumerate() {
        node(&root, a, &format!("ŷ{}", subscript(i)), centred)?;
        root.draw(&Text::new(num(forward.y_hat[i]), forward_at(a), forward_style.clone()))?;
        root.draw(&Text::new(num(gradients.dl_dy_hat[i]), backward_at(a), backward_style.clone()))?;
    }
    node(&root, output, "L", centred)?;
    root.draw(&Text::new(num(loss), forward_at(output), forward_style))?;
    root.present()?;
    drop(root);
    Ok(path)
}

/// Subscript digit for a 0-based index, shown 1-based as on the page.
fn subscript(index: usize) -> char {
    char::from_u32('₁' as u32 + index as u32).expect("index is a single digit")
}

fn node<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    at: Point,
    name: &str,
    centred: Pos,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let style = TextStyle::from((FONT, font_size(NODE_NAME_PX)).into_font()).pos(centred);
    area.draw(&Circle::new(at, NODE_RADIUS, WHITE.filled()))?;
    area.draw(&Circle::new(at, NODE_RADIUS, BLACK.stroke_width(2)))?;
    area.draw(&Text::new(name.to_owned(), at, style))?;
    Ok(())
}

fn arrow<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    from: Point,
    to: Point,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    // Stop at the target circle's edge and draw a small head there.
    let (dx, dy) = ((to.0 - from.0) as f64, (to.1 - from.1) as f64);
    let length = (dx * dx + dy * dy).sqrt();
    let (ux, uy) = (dx / length, dy / length);
    let reach = f64::from(NODE_RADIUS + 1);
    let tip = ((to.0 as f64 - ux * reach) as i32, (to.1 as f64 - uy * reach) as i32);
    let back = (tip.0 as f64 - ux * 11.0, tip.1 as f64 - uy * 11.0);
    let left = ((back.0 - uy * 5.0) as i32, (back.1 + ux * 5.0) as i32);
    let right = ((back.0 + uy * 5.0) as i32, (back.1 - ux * 5.0) as i32);
    area.draw(&PathElement::new(vec![from, tip], BLACK.stroke_width(1)))?;
    area.draw(&Polygon::new(vec![tip, left, right], BLACK.filled()))?;
    Ok(())
}

fn write_gradient_check(dir: &Path) -> anyhow::Result<PathBuf> {
    let path = dir.join("ch04-gradient-check.svg");
    let errors = gradient_check_errors()?;
    // Rounding can make e exactly 0 at a lucky h; a log axis cannot show 0.
    let points: Vec<(f64, f64)> = errors.iter().map(|&(h, e)| (h, e.max(1e-16))).collect();

    // Each axis reaches a fifth of a decade past its outermost tick, so the
    // points at h = 1e-13 and 1e-1 stay off the frame. The margin also keeps
    // the tick at 1e-13, because plotters puts the first tick at the first
    // power of ten above the axis start, and log10(1e-13) in floating point
    // can come out just above -13.
    let decades = |low: f64, high: f64| 10f64.powf(low - 0.2)..10f64.powf(high + 0.2);
    {
        let root = SVGBackend::new(&path, (WIDTH, 520)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption("Gradient check error against step size", (FONT, font_size(TITLE_PX)))
            .margin(16)
            .x_label_area_size(52)
            .y_label_area_size(80)
            .build_cartesian_2d(decades(-13.0, -1.0).log_scale(), decades(-12.0, 0.0).log_scale())?;
        chart
            .configure_mesh()
            .x_desc("step size h")
            .y_desc("max relative error")
            // One tick per power of ten: 13 on each axis.
            .x_labels(13)
            .y_labels(13)
            .x_label_formatter(&|v| format!("{v:.0e}"))
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .axis_desc_style((FONT, font_size(AXIS_DESC_PX)))
            .label_style((FONT, font_size(TICK_LABEL_PX)))
            .light_line_style(BLACK.mix(0.03))
            .draw()?;
        chart.draw_series(LineSeries::new(points.iter().copied(), BLUE.stroke_width(2)))?;
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, BLUE.filled())))?;
        root.present()?;
    }
    Ok(path)
}
