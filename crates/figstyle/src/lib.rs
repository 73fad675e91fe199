//! The figure style shared by every chapter: the width the book shows a
//! figure at, its fonts, and the thinning of curves that the SVG backend
//! would otherwise draw with visible kinks.

/// Width of every figure, in pixels. The book's theme stretches each figure
/// to its 880 px text column, so figures drawn at that width are not rescaled.
pub const COLUMN_WIDTH: u32 = 880;

/// Font family of all figure text. Without plotters' `ttf` feature the SVG
/// names the family and the browser picks the face.
pub const FONT: &str = "sans-serif";

/// Font sizes in CSS pixels, next to the book's 16 px body text.
pub const TITLE_PX: f64 = 18.0;
pub const AXIS_DESC_PX: f64 = 16.0;
pub const LEGEND_PX: f64 = 15.0;
pub const TICK_LABEL_PX: f64 = 14.0;

/// Converts CSS pixels to a plotters font size. plotters-svg 0.3.7 writes a
/// font of size s as `font-size="s / 1.24"`.
pub fn font_size(css_px: f64) -> f64 {
    css_px * 1.24
}

/// Keeps the first and last of `points` and each point in between that lies
/// at least `min_segment_px` from the previous kept one, measured after
/// `to_pixel` maps it into the figure.
///
/// The SVG backend rounds every point to whole pixels, so a curve drawn with
/// segments of a pixel or two bends visibly at each of them.
pub fn spaced_in_pixels(
    points: &[(f64, f64)],
    min_segment_px: i32,
    to_pixel: impl Fn(&(f64, f64)) -> (i32, i32),
) -> Vec<(f64, f64)> {
    let Some((&last, rest)) = points.split_last() else {
        return Vec::new();
    };
    let mut kept: Vec<(f64, f64)> = Vec::new();
    let mut previous: Option<(i32, i32)> = None;
    for point in rest {
        let pixel = to_pixel(point);
        let far_enough = previous.is_none_or(|(x, y)| {
            let (dx, dy) = (pixel.0 - x, pixel.1 - y);
            dx * dx + dy * dy >= min_segment_px * min_segment_px
        });
        if far_enough {
            kept.push(*point);
            previous = Some(pixel);
        }
    }
    kept.push(last);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to_whole_pixels(point: &(f64, f64)) -> (i32, i32) {
        (point.0 as i32, point.1 as i32)
    }

    #[test]
    fn close_points_dropped() {
        let points: Vec<(f64, f64)> = (0..=10).map(|x| (f64::from(x), 0.0)).collect();
        let kept = spaced_in_pixels(&points, 4, to_whole_pixels);
        assert_eq!(kept, [(0.0, 0.0), (4.0, 0.0), (8.0, 0.0), (10.0, 0.0)]);
    }

    #[test]
    fn last_point_always_kept() {
        let kept = spaced_in_pixels(&[(0.0, 0.0), (1.0, 1.0)], 100, to_whole_pixels);
        assert_eq!(kept, [(0.0, 0.0), (1.0, 1.0)]);
    }

    #[test]
    fn empty_curve_stays_empty() {
        assert!(spaced_in_pixels(&[], 4, to_whole_pixels).is_empty());
    }
}
