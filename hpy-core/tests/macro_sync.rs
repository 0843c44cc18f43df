//! Lists the macros keep of hpy-core's names (they cannot depend on hpy-core) stay in step
//! with it.

use std::fs;
use std::path::Path;

/// The string literals of the `const NAME: &[&str] = &[ ... ];` item in a macros source file.
fn str_list(file: &str, name: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../hpy-macros/src")
        .join(file);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let start = text
        .find(&format!("const {name}: &[&str] = &["))
        .unwrap_or_else(|| panic!("no `{name}` list in {file}"));
    let body = &text[start..];
    let body = &body[body.find("= &[").unwrap() + 4..body.find("];").unwrap()];
    body.split(',')
        .map(|s| s.trim().trim_matches('"').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn exception_bases_the_macro_accepts_are_the_builtin_exceptions() {
    let listed = str_list("class.rs", "BUILTIN_EXCEPTIONS");
    let builtin: Vec<String> = hpy_core::Builtin::ALL
        .iter()
        .map(|b| b.name().to_owned())
        .collect();
    assert_eq!(listed, builtin);
}
