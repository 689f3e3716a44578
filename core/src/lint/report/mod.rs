//! Report renderers, one file each: text (code frame), JSON, SARIF 2.1.0, GitHub workflow
//! commands. Each adds its `to_*` method to [`LintReport`](super::LintReport).

mod escape;
mod github;
mod json;
mod sarif;
mod text;
