//! The guide (`hpy-core/guide/*.md`) shows code that runs: every block marked
//! `<!-- example: NAME -->` must show exactly the code between `// guide:begin NAME` and
//! `// guide:end NAME` in `examples/objects/src/lib.rs` (which the example's Python tests call
//! in every test leg), and every such region must be shown in the guide. The blocks are also
//! compiled as doc tests (with hidden `# ` lines around the shown code).
//!
//! `HPY_GUIDE_BLESS=1 cargo test -p hpy-core --test guide_sync` rewrites the shown code of
//! every marked block from the example (keeping its hidden lines).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// `// guide:begin NAME` .. `// guide:end NAME` regions of the example, dedented.
fn regions() -> BTreeMap<String, Vec<String>> {
    let path = root().join("../examples/objects/src/lib.rs");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = BTreeMap::new();
    let mut current: Option<(String, Vec<String>)> = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("// guide:begin ") {
            assert!(current.is_none(), "nested guide region {name}");
            current = Some((name.trim().to_owned(), Vec::new()));
        } else if let Some(name) = t.strip_prefix("// guide:end ") {
            let (open, lines) = current.take().expect("guide:end without guide:begin");
            assert_eq!(open, name.trim(), "guide:end does not match guide:begin");
            let indent = lines
                .iter()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start().len())
                .min()
                .unwrap_or(0);
            let lines = lines
                .iter()
                .map(|l| l.get(indent..).unwrap_or("").trim_end().to_owned())
                .collect();
            assert!(
                out.insert(open.clone(), lines).is_none(),
                "region {open} twice"
            );
        } else if let Some((_, lines)) = current.as_mut() {
            lines.push(line.to_owned());
        }
    }
    assert!(current.is_none(), "unterminated guide region");
    out
}

fn is_hidden(line: &str) -> bool {
    let t = line.trim_start();
    t == "#" || t.starts_with("# ")
}

fn is_closer(line: &str) -> bool {
    let t = line.trim_start().trim_start_matches('#').trim();
    t.starts_with('}') || t.starts_with("fn main") || t.starts_with("Ok(")
}

struct Block {
    file: PathBuf,
    name: String,
    /// Line range of the block's content (between the fences) in the file.
    start: usize,
    end: usize,
}

fn blocks() -> Vec<Block> {
    let mut out = Vec::new();
    let dir = root().join("guide");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("guide dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    for file in files {
        let text = fs::read_to_string(&file).expect("read md");
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            if let Some(rest) = lines[i].trim().strip_prefix("<!-- example:") {
                let name = rest.trim_end_matches("-->").trim().to_owned();
                assert!(
                    lines.get(i + 1).is_some_and(|l| l.trim() == "```rust"),
                    "{}: `<!-- example: {name} -->` must be followed by a ```rust block",
                    file.display()
                );
                let start = i + 2;
                let end = (start..lines.len())
                    .find(|&j| lines[j].trim() == "```")
                    .expect("unterminated code block");
                out.push(Block {
                    file: file.clone(),
                    name,
                    start,
                    end,
                });
                i = end;
            }
            i += 1;
        }
    }
    out
}

/// The block's lines split into hidden prefix, shown code and hidden suffix.
fn split(lines: &[String]) -> (Vec<String>, Vec<String>, Vec<String>) {
    let first = lines.iter().position(|l| !is_hidden(l));
    let last = lines.iter().rposition(|l| !is_hidden(l));
    match (first, last) {
        (Some(f), Some(l)) => (
            lines[..f].to_vec(),
            lines[f..=l].to_vec(),
            lines[l + 1..].to_vec(),
        ),
        _ => {
            // Nothing shown yet: the suffix is the trailing run of closing lines.
            let mut s = lines.len();
            while s > 0 && is_closer(&lines[s - 1]) {
                s -= 1;
            }
            (lines[..s].to_vec(), Vec::new(), lines[s..].to_vec())
        }
    }
}

#[test]
fn guide_shows_the_code_of_the_objects_example() {
    let regions = regions();
    assert!(
        !regions.is_empty(),
        "no guide regions in examples/objects/src/lib.rs"
    );
    let bless = std::env::var_os("HPY_GUIDE_BLESS").is_some();
    let mut shown = BTreeMap::new();
    let mut problems = Vec::new();
    let mut rewrites: BTreeMap<PathBuf, Vec<String>> = BTreeMap::new();
    let blocks = blocks();
    // Rewrite from the last block up, so that line numbers of earlier blocks stay valid.
    for block in blocks.iter().rev() {
        let Some(region) = regions.get(&block.name) else {
            problems.push(format!(
                "{}: example `{}` has no `// guide:begin {}` region in examples/objects",
                block.file.display(),
                block.name,
                block.name
            ));
            continue;
        };
        *shown.entry(block.name.clone()).or_insert(0) += 1;
        let lines = rewrites.entry(block.file.clone()).or_insert_with(|| {
            fs::read_to_string(&block.file)
                .expect("read md")
                .lines()
                .map(str::to_owned)
                .collect()
        });
        let content: Vec<String> = lines[block.start..block.end].to_vec();
        let (prefix, code, suffix) = split(&content);
        if &code != region {
            if bless {
                let new: Vec<String> = prefix
                    .into_iter()
                    .chain(region.iter().cloned())
                    .chain(suffix)
                    .collect();
                lines.splice(block.start..block.end, new);
            } else {
                problems.push(format!(
                    "{}: example `{}` differs from examples/objects/src/lib.rs \
                     (HPY_GUIDE_BLESS=1 rewrites it)\n--- guide\n{}\n--- example\n{}",
                    block.file.display(),
                    block.name,
                    code.join("\n"),
                    region.join("\n")
                ));
            }
        }
    }
    if bless {
        for (file, lines) in rewrites {
            fs::write(&file, lines.join("\n") + "\n").expect("write md");
        }
    }
    for name in regions.keys() {
        if !shown.contains_key(name) {
            problems.push(format!(
                "region `{name}` of examples/objects is not shown in the guide"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The coverage table lists every member of the HPy 0.9 context exactly once, in order.
#[test]
fn coverage_table_lists_every_context_member() {
    let text = fs::read_to_string(root().join("guide/context-coverage.md")).expect("read");
    let names: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains(" | `"))
        .filter_map(|l| {
            let cols: Vec<&str> = l.split(" | ").collect();
            let idx = cols
                .first()?
                .trim_start_matches("| ")
                .trim_end_matches(" ⇧");
            idx.parse::<usize>().ok()?;
            Some(cols.get(1)?.trim_matches('`').to_owned())
        })
        .collect();
    assert_eq!(names.len(), 263, "the table must have 263 rows");
    for (i, (name, expected)) in names.iter().zip(hpy_core::ffi::CTX_MEMBERS).enumerate() {
        assert_eq!(name, expected, "row {i}");
    }
}
