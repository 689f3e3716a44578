//! Report renderers, one file each: text (code frame), JSON, JSON Lines, SARIF 2.1.0, GitHub workflow
//! commands, JUnit XML, GitLab Code Quality. Each adds its `to_*` method to [`LintReport`](super::LintReport).

mod codequality;

pub(crate) use codequality::fingerprint;
mod escape;
mod github;
mod json;
mod jsonl;
mod junit;
mod sarif;
mod text;
