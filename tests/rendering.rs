//! Book-wide rendering cases, each built in a small book of its own with the
//! real book.toml, theme and macros file.

use std::fs;
use std::path::{Path, PathBuf};

use xtask::{book, html, workspace_root};

/// A temporary book with the real configuration and one page, `page.md`.
struct TestBook {
    root: tempfile::TempDir,
}

impl TestBook {
    fn new(page: &str) -> TestBook {
        let real = workspace_root();
        let root = tempfile::tempdir().unwrap();
        fs::copy(real.join("book.toml"), root.path().join("book.toml")).unwrap();
        fs::create_dir_all(root.path().join("theme")).unwrap();
        for entry in fs::read_dir(real.join("theme")).unwrap() {
            let path = entry.unwrap().path();
            fs::copy(&path, root.path().join("theme").join(path.file_name().unwrap())).unwrap();
        }
        fs::create_dir_all(root.path().join("book")).unwrap();
        fs::copy(real.join("book/macros.txt"), root.path().join("book/macros.txt")).unwrap();
        fs::write(root.path().join("book/SUMMARY.md"), "# Summary\n\n- [Cases](page.md)\n").unwrap();
        fs::write(root.path().join("book/page.md"), page).unwrap();
        TestBook { root }
    }

    fn path(&self) -> &Path {
        self.root.path()
    }

    fn build(&self) -> anyhow::Result<PathBuf> {
        let dest = self.path().join("site");
        book::build(self.path(), &dest)
    }

    fn page_html(&self) -> String {
        let site = self.build().unwrap();
        fs::read_to_string(site.join("page.html")).unwrap()
    }
}

fn main_content(html: &str) -> &str {
    let start = html.find("<main>").expect("page has <main>");
    let end = html.find("</main>").expect("page has </main>");
    &html[start..end]
}

/// Renders `formula` as the book does: display mode, HTML output only.
fn katex_display(formula: &str) -> String {
    let opts = katex::Opts::builder().display_mode(true).output_type(katex::OutputType::Html).build().unwrap();
    katex::render_with_opts(formula, opts).unwrap().replace('\n', " ")
}

#[test]
fn underscores_in_math_not_emphasis() {
    let test = TestBook::new(
        "# Cases\n\nThe fit $\\hat{y}_{i} = w_{1} x_{i} + b$ and the product $a*b*c$ and $x_1 y_1 + x_2 y_2$.\n",
    );
    let html = test.page_html();
    let main = main_content(&html);
    assert!(!main.contains("<em>"), "math became emphasis: {main}");
    assert!(!main.contains("<strong>"), "math became strong emphasis: {main}");
    assert_eq!(main.matches(r#"<span class="katex">"#).count(), 3, "{main}");
    assert!(html::check_page_html("page.html", &html).is_empty());
}

#[test]
fn row_breaks_survive_aligned() {
    let formula = "\n\\begin{aligned}\nz_1 &= 1.2 \\\\\nz_2 &= 1.3\n\\end{aligned}\n";
    let test = TestBook::new(&format!("# Cases\n\n$${formula}$$\n"));
    let html = test.page_html();
    assert!(html.contains(&katex_display(formula)), "the aligned block was changed by Markdown");
    // Two rows: both right-hand sides appear in separate table rows.
    assert!(html.contains("1.2"), "the first row is missing");
    assert!(html.contains("1.3"), "the second row is missing");
}

#[test]
fn row_breaks_survive_pmatrix() {
    let formula = r"W = \begin{pmatrix} 0.5 & 0.3 \\ 0.2 & 0.5 \end{pmatrix}";
    let test = TestBook::new(&format!("# Cases\n\n$$\n{formula}\n$$\n"));
    let html = test.page_html();
    assert!(html.contains(&katex_display(&format!("\n{formula}\n"))), "the pmatrix was changed by Markdown");
    let collapsed = katex_display(r"W = \begin{pmatrix} 0.5 & 0.3 \ 0.2 & 0.5 \end{pmatrix}");
    assert!(!html.contains(&collapsed), "the row break was lost");
}

#[test]
fn escaped_dollar_stays_dollar() {
    let test = TestBook::new("# Cases\n\nA coffee costs \\$2 and a book \\$30.\n");
    let html = test.page_html();
    let main = main_content(&html);
    assert!(main.contains("costs $2 and a book $30."), "{main}");
    assert!(!main.contains("katex"), "a price was rendered as math: {main}");
}

#[test]
fn dollar_in_code_verbatim() {
    let page = "# Cases\n\nRun `echo $HOME` or:\n\n```sh\ncp $HOME/a $HOME/b\n```\n";
    let test = TestBook::new(page);
    let html = test.page_html();
    let main = main_content(&html);
    assert!(main.contains("<code>echo $HOME</code>"), "{main}");
    assert!(main.contains("cp $HOME/a $HOME/b"), "{main}");
    assert!(!main.contains("katex"), "{main}");
}

#[test]
fn unsupported_command_fails_build() {
    let test = TestBook::new("# Cases\n\n$$\n\\DeclareMathOperator*{\\argmax}{arg\\,max}\n$$\n");
    let err = test.build().unwrap_err().to_string();
    assert!(err.contains("page.md"), "the error does not name the page: {err}");
    assert!(err.contains("DeclareMathOperator"), "the error does not show the formula: {err}");
}

#[test]
fn book_macros_apply() {
    let test = TestBook::new("# Cases\n\nWeights live in $\\R^{2 \\times 2}$.\n");
    let html = test.page_html();
    assert!(html.contains("mathbb"), "the \\R macro from macros.txt was not expanded");
}

#[test]
fn missing_include_fails_build() {
    let test = TestBook::new("# Cases\n\n```rust\n{{#include ../nothing.rs:step}}\n```\n");
    let err = test.build().unwrap_err().to_string();
    assert!(err.contains("page.md"), "the error does not name the page: {err}");
    assert!(err.contains("not found"), "{err}");
}

#[test]
fn unknown_anchor_fails_build() {
    let test = TestBook::new("# Cases\n\n```rust\n{{#include code.rs:missing}}\n```\n");
    fs::write(test.path().join("book/code.rs"), "// ANCHOR: present\nfn f() {}\n// ANCHOR_END: present\n").unwrap();
    let err = test.build().unwrap_err().to_string();
    assert!(err.contains("anchor `missing` not found"), "{err}");
}
