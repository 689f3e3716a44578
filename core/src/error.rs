//! The one error type of the crate.

use std::fmt;

/// What went wrong, broadly. New kinds may be added without a major release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// A scenario id that is not in the catalogue.
    UnknownScenario,
    /// A parameter name the scenario does not take.
    UnknownParameter,
    /// A parameter value outside the accepted ones, or malformed.
    InvalidParameter,
    /// An output format the scenario cannot produce.
    UnsupportedFormat,
    /// Input text that does not parse (YAML, JSON, shell).
    Parse,
    /// Input that parses but is not what was expected.
    InvalidInput,
    /// A generated artifact that failed its own validation (a bug in dockscape).
    Validation,
    /// A budget (size, depth, aliases) was exceeded.
    Budget,
    /// Rendering a template failed (a bug in dockscape).
    Template,
}

/// A position in an input, 1-based.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// The error of every fallible function in this crate. Messages are lowercase, without a trailing period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Location>,
}

impl Error {
    /// A new error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            location: None,
        }
    }

    /// The same error, pinned to a 1-based line and column.
    #[must_use]
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.location = Some(Location { line, column });
        self
    }

    /// What went wrong, broadly.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, without position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where in the input, when known.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(l) => write!(f, "line {}, column {}: {}", l.line, l.column, self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
