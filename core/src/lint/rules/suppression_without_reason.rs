use crate::lint::registry::{Checker, declare_rule};
use crate::read::ir::Unit;

declare_rule! {
    /// ## What it does
    /// Finds suppressions that give no reason: a `dockscape.io/ignore` annotation (or Compose
    /// label) entry such as `"DS024"` instead of `"DS024: why"`, or a comment
    /// `# dockscape: ignore DS001` with nothing after the codes. Such a suppression suppresses
    /// nothing: the finding it meant to hide is still reported.
    ///
    /// ## Why is this bad?
    /// A suppression is a decision that a risk is accepted. Without the reason nobody can tell
    /// later whether it still holds, and an unexplained ignore is how a socket mount survives a
    /// review.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     dockscape.io/ignore: "DS024"
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: web
    ///       image: nginx:1.27
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     dockscape.io/ignore: "DS024: the node port is this pod's whole purpose"
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: web
    ///       image: nginx:1.27
    /// ```
    SuppressionWithoutReason {
        code: "DS000",
        name: "suppression-without-reason",
        severity: Low,
        summary: "a suppression gives no reason, so it suppresses nothing",
        message: ["suppression of `{0}` gives no reason"],
        help: "add the reason after the codes: `DS001: why this is accepted`",
    }
}

/// The engine reports this rule while it reads suppressions (`suppress.rs`); nothing to do here.
fn check<'t>(_unit: &Unit<'t>, _cx: &mut Checker<'t>) {}
