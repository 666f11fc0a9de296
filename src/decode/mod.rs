//! JSON line → [`Line`]: a purpose-built fast reader with serde_json as the reference.
//!
//! [`reference`](mod@reference) decodes through `serde_json::Value` and defines what every line means.
//! [`fast`] handles the common case (an `access` or `networkActivity` object without
//! escapes) several times faster and declines everything else, which then goes to the
//! reference; it first tries [`template`], which matches the exact layouts iOS writes. A
//! line the fast reader accepts must decode to exactly what the reference gives;
//! `tests/decode_differential.rs` and the fuzz target `decode` check that.

pub mod fast;
pub mod reference;
// Public (hidden) for the fuzz target `decode`, which checks its parsed values.
#[doc(hidden)]
pub mod template;

use std::fmt;

use crate::record::Line;

/// Why a line is not a usable record. The message is a short English phrase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Decodes one line (without its line terminator).
pub fn decode_line(line: &[u8]) -> Result<Line<'_>, DecodeError> {
    match fast::decode(line) {
        Some(decoded) => Ok(decoded),
        None => reference::decode(line),
    }
}
