//! The [`Rule`] trait, the [`declare_rule!`] macro and the [`Checker`] rules report into.

use super::fix::FixCx;
use super::types::{Applicability, Severity};
use crate::migrate::Edit;
use crate::read::ir::{Loc, Unit};

/// A rule's mechanical fix, declared with `fix: Safe("...")` or `fix: Unsafe("...")` in
/// [`declare_rule!`]; the rule file then defines `fn fix(cx: &FixCx<'_>, hit: &Hit<'_>) ->
/// Option<Vec<Edit>>` (see `lint/fix.rs`).
#[derive(Debug)]
pub(crate) struct FixMeta {
    pub applicability: Applicability,
    /// What the fix does, an imperative (add `readOnly: true`); may use the hit's `{n}`.
    pub message: &'static str,
}

/// Everything about a rule except its check: captured by [`declare_rule!`].
#[derive(Debug)]
pub(crate) struct Meta {
    /// `DS001`.
    pub code: &'static str,
    /// `runtime-socket-mount`.
    pub name: &'static str,
    pub severity: Severity,
    /// One line, for `dockscape rules`.
    pub summary: &'static str,
    /// Message templates: `{0}`, `{1}`, ... are replaced by the hit's arguments. A hit picks one
    /// by index (default 0).
    pub messages: &'static [&'static str],
    /// What to do, an imperative; may use the same `{n}` arguments.
    pub help: &'static str,
    /// The doc comment, as written (each line keeps the one space after `///`).
    pub docs: &'static str,
    /// The fix, when the rule has one.
    pub fix: Option<FixMeta>,
}

impl Meta {
    /// The docs with the leading space of each doc-comment line removed.
    pub(crate) fn markdown(&self) -> String {
        let mut out = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

/// A lint rule. Implemented by [`declare_rule!`]; a rule file only writes `fn check`.
pub(crate) trait Rule: Sync {
    fn meta(&self) -> &'static Meta;
    fn check<'t>(&self, unit: &Unit<'t>, cx: &mut Checker<'t>);
    /// The edits that fix `hit`, when the rule declares a fix and it applies there.
    fn fix(&self, _cx: &FixCx<'_>, _hit: &Hit<'_>) -> Option<Vec<Edit>> {
        None
    }
}

/// One detection: data only; the engine renders the message and help.
#[derive(Debug, Clone)]
pub(crate) struct Hit<'t> {
    /// Index into `Unit::workloads`.
    pub workload: usize,
    /// Index into that workload's `containers`.
    pub container: Option<usize>,
    /// What the finding points at.
    pub loc: Loc<'t>,
    /// Which of the rule's message templates.
    pub message: usize,
    /// Arguments for the templates (`{0}`, `{1}`, ...).
    pub args: Vec<String>,
    /// Overrides the rule's severity (DS014's critical capabilities).
    pub severity: Option<Severity>,
}

impl<'t> Hit<'t> {
    /// A hit on `workload` / `container` at `loc`, message 0, no arguments.
    pub(crate) fn new(workload: usize, container: Option<usize>, loc: Loc<'t>) -> Self {
        Hit {
            workload,
            container,
            loc,
            message: 0,
            args: Vec::new(),
            severity: None,
        }
    }

    /// With these template arguments.
    #[must_use]
    pub(crate) fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args = args.into_iter().map(Into::into).collect();
        self
    }

    /// With message template `index`.
    #[must_use]
    pub(crate) fn message(mut self, index: usize) -> Self {
        self.message = index;
        self
    }

    /// With another severity than the rule's.
    #[must_use]
    #[allow(dead_code)] // for DS014's critical capabilities
    pub(crate) fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }
}

/// Collects the hits of the rule being run.
#[derive(Debug, Default)]
pub(crate) struct Checker<'t> {
    pub(crate) current: Option<&'static Meta>,
    pub(crate) hits: Vec<(&'static Meta, Hit<'t>)>,
}

impl<'t> Checker<'t> {
    /// Report a hit of the rule being run.
    pub(crate) fn report(&mut self, hit: Hit<'t>) {
        if let Some(meta) = self.current {
            self.hits.push((meta, hit));
        }
    }
}

/// Fill `{0}`, `{1}`, ... in `template` from `args`.
pub(crate) fn render(template: &str, args: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + 1..).unwrap_or("");
        match after.find('}') {
            Some(j) => {
                let key = after.get(..j).unwrap_or("");
                match key.parse::<usize>().ok().and_then(|n| args.get(n)) {
                    Some(a) => out.push_str(a),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = after.get(j + 1..).unwrap_or("");
            }
            None => {
                out.push_str(rest.get(i..).unwrap_or(""));
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Declare a rule: its doc comment (the sections of DESIGN.md) and metadata. The file then
/// defines `fn check<'t>(unit: &Unit<'t>, cx: &mut Checker<'t>)`. See `rules/mod.rs`.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        $name:ident {
            code: $code:literal,
            name: $rname:literal,
            severity: $sev:ident,
            summary: $summary:literal,
            message: [$($msg:literal),+ $(,)?],
            help: $help:literal
            $(, fix: $app:ident($fixmsg:literal))? $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        #[derive(Debug, Clone, Copy)]
        pub(crate) struct $name;

        impl $crate::lint::registry::Rule for $name {
            fn meta(&self) -> &'static $crate::lint::registry::Meta {
                static META: $crate::lint::registry::Meta = $crate::lint::registry::Meta {
                    code: $code,
                    name: $rname,
                    severity: $crate::lint::Severity::$sev,
                    summary: $summary,
                    messages: &[$($msg),+],
                    help: $help,
                    docs: concat!($($doc, "\n"),+),
                    fix: $crate::lint::registry::declare_rule!(@fix $($app $fixmsg)?),
                };
                &META
            }

            $(
                $crate::lint::registry::declare_rule!(@fixfn $app);
            )?

            fn check<'t>(
                &self,
                unit: &$crate::read::ir::Unit<'t>,
                cx: &mut $crate::lint::registry::Checker<'t>,
            ) {
                check(unit, cx)
            }
        }
    };
    (@fix) => {
        None
    };
    (@fix $app:ident $fixmsg:literal) => {
        Some($crate::lint::registry::FixMeta {
            applicability: $crate::lint::types::Applicability::$app,
            message: $fixmsg,
        })
    };
    (@fixfn $app:ident) => {
        fn fix(
            &self,
            cx: &$crate::lint::fix::FixCx<'_>,
            hit: &$crate::lint::registry::Hit<'_>,
        ) -> Option<Vec<$crate::migrate::Edit>> {
            fix(cx, hit)
        }
    };
}

pub(crate) use declare_rule;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        let a = vec!["x".to_string(), "y".to_string()];
        assert_eq!(render("`{0}` at `{1}`", &a), "`x` at `y`");
        assert_eq!(render("{2} {", &a), "{2} {");
    }
}
