//! The iOS 15 beta 1 network section: one pretty-printed JSON object after the
//! `<end-of-section>` marker, mapping each bundle ID to an array of network dictionaries.
//!
//! It is read line by line like everything else, by tracking brackets and strings, and each
//! dictionary is decoded on its own as soon as it closes. So memory stays at one dictionary,
//! and the trailing comma seen in the one public beta-1 sample (`},` then `]`), which a
//! strict JSON parser rejects for the whole object, costs nothing.

use serde_json::{Map, Value};

use crate::decode::{reference, DecodeError};
use crate::record::Network;

/// The largest single dictionary kept; real ones are a few hundred bytes.
const MAX_RECORD: usize = 1 << 16;
/// The longest bundle ID kept as an array's key; longer keys are cut (and then fail to decode).
const MAX_KEY: usize = 4096;

/// What one line of the block produced.
#[allow(clippy::large_enum_variant)] // short-lived, one at a time
pub enum BlockItem {
    /// A dictionary closed on this line; `line` is where it began.
    Record {
        line: u64,
        result: Result<Network<'static>, DecodeError>,
    },
    /// The block's closing brace.
    End,
}

/// Bracket and string state across the lines of the block.
#[derive(Default)]
pub struct Beta1Block {
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// The raw text (with quotes) of the last string read at depth 1: the app's bundle ID.
    key: Vec<u8>,
    record: Vec<u8>,
    record_line: u64,
    record_too_long: bool,
}

impl Beta1Block {
    /// Reads one line of the block (the first is the line holding the opening `{`).
    pub fn read_line(&mut self, line_no: u64, line: &[u8], mut emit: impl FnMut(BlockItem)) {
        for &byte in line {
            if self.depth >= 3 {
                if self.record.len() < MAX_RECORD {
                    self.record.push(byte);
                } else {
                    self.record_too_long = true;
                }
            } else if self.depth == 1 && self.in_string && self.key.len() < MAX_KEY {
                self.key.push(byte);
            }
            if self.in_string {
                match (self.escaped, byte) {
                    (true, _) => self.escaped = false,
                    (false, b'\\') => self.escaped = true,
                    (false, b'"') => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match byte {
                b'"' => {
                    self.in_string = true;
                    if self.depth == 1 {
                        self.key.clear();
                        self.key.push(b'"');
                    }
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    if self.depth == 3 {
                        self.record.clear();
                        self.record.push(byte);
                        self.record_line = line_no;
                        self.record_too_long = false;
                    }
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 2 {
                        emit(BlockItem::Record {
                            line: self.record_line,
                            result: self.decode_record(),
                        });
                    } else if self.depth == 0 {
                        emit(BlockItem::End);
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    fn decode_record(&self) -> Result<Network<'static>, DecodeError> {
        if self.record_too_long {
            return Err(DecodeError(format!(
                "network entry longer than {MAX_RECORD} bytes"
            )));
        }
        let app: String = serde_json::from_slice(&self.key)
            .map_err(|_| DecodeError("network entry outside an app's list".into()))?;
        let object: Map<String, Value> =
            serde_json::from_slice(without_trailing_commas(&self.record).as_slice()).map_err(
                |error| DecodeError(format!("network entry is not a valid JSON object: {error}")),
            )?;
        reference::decode_beta1_network(&object, &app)
    }
}

/// Removes commas that directly precede a closing bracket, outside strings.
fn without_trailing_commas(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for &byte in text {
        if in_string {
            (in_string, escaped) = match (escaped, byte) {
                (true, _) => (true, false),
                (false, b'\\') => (true, true),
                (false, b'"') => (false, false),
                _ => (true, false),
            };
        } else if byte == b'"' {
            in_string = true;
        } else if matches!(byte, b'}' | b']') {
            while out.last().is_some_and(|b: &u8| b.is_ascii_whitespace()) {
                out.pop();
            }
            if out.last() == Some(&b',') {
                out.pop();
            }
        }
        out.push(byte);
    }
    out
}
