//! The graph as a self-contained SVG: nested boxes laid out in rows, numbered arrows, and a legend that
//! spells out every arrow. No fonts, images, scripts or styles from outside; 800 px wide.

use super::{Edge, EdgeKind, Graph, Node, NodeKind};
use crate::error::Result;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Canvas width in pixels.
const WIDTH: f64 = 800.0;
/// Outer margin.
const MARGIN: f64 = 16.0;
/// Padding inside a box that holds other boxes.
const PAD: f64 = 10.0;
/// Space between sibling boxes.
const GAP: f64 = 14.0;
/// Estimated width of one character at 12 px (generous, so text never overflows its box).
const CHAR_W: f64 = 7.0;
/// Line height.
const LINE_H: f64 = 16.0;
/// The smallest box.
const MIN_W: f64 = 90.0;
/// Fonts every system has; nothing is downloaded.
const FONT: &str = "Helvetica, Arial, sans-serif";

#[derive(Debug, Clone, Copy, Default)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn center(self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// Where the ray from the centre towards `(dx, dy)` leaves the box.
    fn border(self, dx: f64, dy: f64) -> (f64, f64) {
        let (cx, cy) = self.center();
        let tx = if dx.abs() > f64::EPSILON {
            (self.w / 2.0) / dx.abs()
        } else {
            f64::INFINITY
        };
        let ty = if dy.abs() > f64::EPSILON {
            (self.h / 2.0) / dy.abs()
        } else {
            f64::INFINITY
        };
        let t = tx.min(ty);
        if t.is_finite() {
            (cx + dx * t, cy + dy * t)
        } else {
            (cx, cy)
        }
    }

    fn contains(self, o: Rect) -> bool {
        o.x >= self.x
            && o.y >= self.y
            && o.x + o.w <= self.x + self.w
            && o.y + o.h <= self.y + self.h
    }
}

/// Text lines of a box: the label, the detail and the codes, wrapped to `max_w`.
struct Lines {
    label: Vec<String>,
    detail: Vec<String>,
    codes: Vec<String>,
}

impl Lines {
    fn count(&self) -> usize {
        self.label.len() + self.detail.len() + self.codes.len()
    }

    fn width(&self) -> f64 {
        let chars = self
            .label
            .iter()
            .chain(&self.detail)
            .chain(&self.codes)
            .map(|l| l.chars().count())
            .max();
        chars.unwrap_or(0) as f64 * CHAR_W + 2.0 * PAD
    }
}

fn wrap(s: &str, max_w: f64) -> Vec<String> {
    let per_line = (((max_w - 2.0 * PAD) / CHAR_W).floor() as usize).max(8);
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split(' ') {
        let mut word = word.to_owned();
        // Break words longer than a line (long paths, URLs).
        while word.chars().count() > per_line {
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
            let head: String = word.chars().take(per_line).collect();
            word = word.chars().skip(per_line).collect();
            lines.push(head);
        }
        let len = cur.chars().count();
        if len > 0 && len + 1 + word.chars().count() > per_line {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&word);
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// A box and the boxes inside it, with its place once laid out.
struct Tree<'g> {
    node: &'g Node,
    rect: Rect,
    lines: Lines,
    kids: Vec<Tree<'g>>,
}

impl<'g> Tree<'g> {
    /// The boxes inside `parent` (the roots for `None`), recursively. `Graph::check` rules out cycles;
    /// `depth` bounds the recursion anyway.
    fn forest(graph: &'g Graph, parent: Option<&'g str>, depth: usize) -> Vec<Tree<'g>> {
        if depth > graph.nodes.len() {
            return Vec::new();
        }
        graph
            .children(parent)
            .map(|node| Tree {
                node,
                rect: Rect::default(),
                lines: Lines {
                    label: Vec::new(),
                    detail: Vec::new(),
                    codes: Vec::new(),
                },
                kids: Tree::forest(graph, Some(node.id.as_str()), depth + 1),
            })
            .collect()
    }

    /// Size this box (and its children, relative to it) within `max_w`.
    fn measure(&mut self, max_w: f64) {
        let n = self.node;
        self.lines = Lines {
            label: wrap(&n.label, max_w),
            detail: n
                .detail
                .as_deref()
                .map(|d| wrap(d, max_w))
                .unwrap_or_default(),
            codes: if n.codes.is_empty() {
                Vec::new()
            } else {
                wrap(&n.codes.join(" "), max_w)
            },
        };
        let text_h = self.lines.count() as f64 * LINE_H + 8.0;
        let text_w = self.lines.width().max(MIN_W).min(max_w);
        if self.kids.is_empty() {
            self.rect = Rect {
                x: 0.0,
                y: 0.0,
                w: text_w,
                h: text_h + 4.0,
            };
            return;
        }
        let (w, h) = flow(&mut self.kids, max_w - 2.0 * PAD, text_h + 2.0);
        self.rect = Rect {
            x: 0.0,
            y: 0.0,
            w: (w + 2.0 * PAD).max(text_w),
            h: h + PAD,
        };
    }

    /// Turn relative positions into absolute ones.
    fn place(&mut self, dx: f64, dy: f64) {
        self.rect.x += dx;
        self.rect.y += dy;
        let (x, y) = (self.rect.x, self.rect.y);
        for k in &mut self.kids {
            k.place(x, y);
        }
    }

    /// Every box, parents before children.
    fn walk<'t>(&'t self, out: &mut Vec<&'t Tree<'g>>) {
        out.push(self);
        for k in &self.kids {
            k.walk(out);
        }
    }
}

/// Lay `kids` out in rows within `inner` width, starting at `top`, relative to their parent's corner.
/// Returns the used width (without padding) and the bottom.
fn flow(kids: &mut [Tree<'_>], inner: f64, top: f64) -> (f64, f64) {
    for k in kids.iter_mut() {
        k.measure(inner);
    }
    let (mut x, mut y, mut row_h, mut used_w) = (0.0_f64, top, 0.0_f64, 0.0_f64);
    for k in kids.iter_mut() {
        let r = k.rect;
        if x > 0.0 && x + r.w > inner {
            x = 0.0;
            y += row_h + GAP;
            row_h = 0.0;
        }
        k.rect.x = PAD + x;
        k.rect.y = y;
        x += r.w + GAP;
        row_h = row_h.max(r.h);
        used_w = used_w.max(x - GAP);
    }
    (used_w, y + row_h)
}

/// Render `graph` as a standalone SVG document, 800 px wide: boxes nested by containment and laid out
/// in rows, every arrow numbered and spelled out (with its rule codes, in red) in a legend below.
pub fn render_svg(graph: &Graph) -> Result<String> {
    graph.check()?;
    let mut roots = Tree::forest(graph, None, 0);
    let title_h = 34.0;
    let inner = WIDTH - 2.0 * MARGIN;
    // `flow` indents by PAD; the roots sit at MARGIN.
    let (_, bottom) = flow(&mut roots, inner, 0.0);
    for r in &mut roots {
        r.place(MARGIN - PAD, MARGIN + title_h);
    }
    let mut order = Vec::new();
    for r in &roots {
        r.walk(&mut order);
    }
    let rects: HashMap<&str, Rect> = order.iter().map(|t| (t.node.id.as_str(), t.rect)).collect();
    let label = |id: &str| graph.node(id).map(|n| n.label.as_str()).unwrap_or("?");

    let mut out = String::new();
    let legend_top = MARGIN + title_h + bottom + 24.0;
    let legend_lines: Vec<(&Edge, Vec<String>)> = graph
        .edges
        .iter()
        .filter(|e| e.kind != EdgeKind::Serves)
        .map(|e| {
            let (from, to) = (label(&e.from), label(&e.to));
            let s = if e.label.is_empty() {
                format!("{from} → {to}")
            } else if e.label.starts_with(to) {
                format!("{from} → {}", e.label)
            } else {
                format!("{from} → {to}: {}", e.label)
            };
            (e, wrap(&s, inner - 40.0))
        })
        .collect();
    let legend_rows: usize = legend_lines.iter().map(|(_, l)| l.len()).sum();
    let height = legend_top + legend_rows as f64 * LINE_H + MARGIN + 8.0;
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT}\" font-size=\"12\" role=\"img\">",
        w = num(WIDTH),
        h = num(height)
    );
    let _ = writeln!(out, "<title>{}</title>", esc(&graph.title));
    out.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333\"/></marker>");
    out.push_str("<marker id=\"arrow-risk\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#c00\"/></marker></defs>\n");
    let _ = writeln!(
        out,
        "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
        num(WIDTH),
        num(height)
    );
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"16\" font-weight=\"bold\" fill=\"#222\">{}</text>",
        num(MARGIN),
        num(MARGIN + 14.0),
        esc(&graph.title)
    );
    // Boxes, parents first so children paint over them.
    for t in &order {
        let node = t.node;
        let r = t.rect;
        let (fill, stroke, rx, dash) = match node.kind {
            NodeKind::Host => ("#f5f5f5", "#555555", 6.0, false),
            NodeKind::Vm => ("#eef3fb", "#4a6a9a", 6.0, false),
            NodeKind::Pod => ("#eef8ee", "#2f6f3f", 10.0, false),
            NodeKind::Container => ("#ffffff", "#2f6f3f", 4.0, false),
            NodeKind::Daemon => ("#fff4e0", "#b36b00", 4.0, false),
            NodeKind::Client => ("#e8f0ff", "#2855a0", 14.0, false),
            NodeKind::Endpoint => ("#fdfde8", "#777777", 14.0, false),
            NodeKind::Started => ("#f3f3f3", "#777777", 4.0, true),
        };
        let risky = !node.codes.is_empty();
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" fill=\"{fill}\" stroke=\"{}\" stroke-width=\"{}\"{}/>",
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h),
            num(rx),
            if risky { "#cc0000" } else { stroke },
            if risky { "2" } else { "1.2" },
            if dash {
                " stroke-dasharray=\"5 3\""
            } else {
                ""
            }
        );
        let mut y = r.y + 4.0 + LINE_H - 3.0;
        for (lines, style) in [
            (&t.lines.label, " font-weight=\"bold\" fill=\"#222\""),
            (&t.lines.detail, " fill=\"#444\""),
            (&t.lines.codes, " font-weight=\"bold\" fill=\"#cc0000\""),
        ] {
            for l in lines {
                let _ = writeln!(
                    out,
                    "<text x=\"{}\" y=\"{}\"{style}>{}</text>",
                    num(r.x + PAD),
                    num(y),
                    esc(l)
                );
                y += LINE_H;
            }
        }
    }
    // Arrows, numbered just past their start.
    let mut number = 0;
    for e in &graph.edges {
        // Which daemon an endpoint serves is in the endpoint's own text; a line would cross other boxes.
        if e.kind == EdgeKind::Serves {
            continue;
        }
        let (Some(&ra), Some(&rb)) = (rects.get(e.from.as_str()), rects.get(e.to.as_str())) else {
            continue;
        };
        let ((ax, ay), (bx, by)) = (ra.center(), rb.center());
        let (dx, dy) = (bx - ax, by - ay);
        let start = if ra.contains(rb) {
            (ax, ay)
        } else {
            ra.border(dx, dy)
        };
        let end = if rb.contains(ra) {
            (bx, by)
        } else {
            rb.border(-dx, -dy)
        };
        let risky = !e.codes.is_empty();
        let colour = if risky { "#cc0000" } else { "#333333" };
        let marker = if risky {
            " marker-end=\"url(#arrow-risk)\""
        } else {
            " marker-end=\"url(#arrow)\""
        };
        let dash = if e.kind == EdgeKind::Starts {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{colour}\" stroke-width=\"{}\"{dash}{marker}/>",
            num(start.0),
            num(start.1),
            num(end.0),
            num(end.1),
            if risky { "2" } else { "1.5" }
        );
        number += 1;
        // The badge sits just past the arrow's start, in the gap its source box leaves, where it rarely
        // covers text; the legend below ties the number to the label.
        let (lx, ly) = (end.0 - start.0, end.1 - start.1);
        let len = (lx * lx + ly * ly).sqrt();
        let along = if len > f64::EPSILON {
            (len / 2.0).min(18.0) / len
        } else {
            0.0
        };
        let (mx, my) = (start.0 + lx * along, start.1 + ly * along);
        let _ = writeln!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"9\" fill=\"#ffffff\" stroke=\"{colour}\" stroke-width=\"1.5\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" font-weight=\"bold\" fill=\"{colour}\">{number}</text>",
            num(mx),
            num(my),
            num(mx),
            num(my + 4.0)
        );
    }
    // The legend.
    let mut y = legend_top;
    for (k, (e, lines)) in legend_lines.iter().enumerate() {
        let risky = !e.codes.is_empty();
        let colour = if risky { "#cc0000" } else { "#333333" };
        let _ = writeln!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"8\" fill=\"#ffffff\" stroke=\"{colour}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" font-weight=\"bold\" fill=\"{colour}\">{}</text>",
            num(MARGIN + 8.0),
            num(y - 4.0),
            num(MARGIN + 8.0),
            num(y),
            k + 1
        );
        for (j, l) in lines.iter().enumerate() {
            let mut t = esc(l);
            if risky && j + 1 == lines.len() {
                let _ = write!(
                    t,
                    " <tspan font-weight=\"bold\" fill=\"#cc0000\">{}</tspan>",
                    esc(&e.codes.join(" "))
                );
            }
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" fill=\"#222\">{t}</text>",
                num(MARGIN + 24.0),
                num(y)
            );
            y += LINE_H;
        }
    }
    out.push_str("</svg>\n");
    Ok(out)
}

/// A coordinate with at most one decimal, without `-0`.
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    let r = if r == 0.0 { 0.0 } else { r };
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Escape text for XML content and attribute values; drop characters XML 1.0 forbids.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}
