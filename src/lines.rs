//! Splits a stream of chunks into lines, whatever the chunk boundaries.
//!
//! Complete lines inside a chunk are handed out in place (no copy); only the unfinished
//! tail of a chunk is kept until the next one. A line longer than [`MAX_LINE`] is not kept:
//! its bytes are dropped as they arrive and it is reported as [`Piece::TooLong`], so a
//! 50 MB file without a newline costs 1 MiB of memory, not 50.

/// The longest line kept. Real export lines are under 500 bytes.
pub const MAX_LINE: usize = 1 << 20;

/// One line of input, numbered from 1.
pub enum Piece<'a> {
    /// A line without its `\n` (a trailing `\r` is still there).
    Line(u64, &'a [u8]),
    /// A line longer than [`MAX_LINE`], with its length in bytes.
    TooLong(u64, u64),
}

/// The state kept between chunks.
#[derive(Default)]
pub struct LineSplitter {
    carry: Vec<u8>,
    /// Bytes of the current line beyond what `carry` holds, when it is too long.
    dropped: u64,
    line: u64,
}

impl LineSplitter {
    /// Hands every line completed by `chunk` to `on_line`, in order.
    pub fn feed(&mut self, mut chunk: &[u8], mut on_line: impl FnMut(Piece<'_>)) {
        while let Some(end) = memchr::memchr(b'\n', chunk) {
            let (head, rest) = (&chunk[..end], &chunk[end + 1..]);
            self.line += 1;
            if self.carry.is_empty() && self.dropped == 0 {
                if head.len() > MAX_LINE {
                    on_line(Piece::TooLong(self.line, head.len() as u64));
                } else {
                    on_line(Piece::Line(self.line, head));
                }
            } else {
                self.take_tail(head);
                if self.dropped > 0 {
                    on_line(Piece::TooLong(
                        self.line,
                        self.dropped + self.carry.len() as u64,
                    ));
                } else {
                    on_line(Piece::Line(self.line, &self.carry));
                }
                self.carry.clear();
                self.dropped = 0;
            }
            chunk = rest;
        }
        self.take_tail(chunk);
    }

    /// Numbers a whole line that the caller split off the input itself, between two
    /// [`feed`](LineSplitter::feed)s that left no unfinished line: the piece `feed` would
    /// have handed out for it.
    pub fn whole_line<'l>(&mut self, line: &'l [u8]) -> Piece<'l> {
        debug_assert!(self.carry.is_empty() && self.dropped == 0);
        self.line += 1;
        if line.len() > MAX_LINE {
            Piece::TooLong(self.line, line.len() as u64)
        } else {
            Piece::Line(self.line, line)
        }
    }

    /// Hands out the last line when the input does not end with a newline.
    pub fn finish(&mut self, on_line: impl FnMut(Piece<'_>)) {
        if !self.carry.is_empty() || self.dropped > 0 {
            self.feed(b"\n", on_line);
        }
    }

    /// Keeps `bytes` for the unfinished line, or counts them once the line is too long.
    fn take_tail(&mut self, bytes: &[u8]) {
        if self.dropped > 0 || self.carry.len() + bytes.len() > MAX_LINE {
            self.dropped += (self.carry.len() + bytes.len()) as u64;
            self.carry.clear();
            // Give back the memory a long line may have grown.
            self.carry.shrink_to(4096);
        } else {
            self.carry.extend_from_slice(bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]]) -> Vec<(u64, Result<Vec<u8>, u64>)> {
        let mut splitter = LineSplitter::default();
        let mut out = Vec::new();
        let mut record = |piece: Piece<'_>| match piece {
            Piece::Line(n, bytes) => out.push((n, Ok(bytes.to_vec()))),
            Piece::TooLong(n, len) => out.push((n, Err(len))),
        };
        for chunk in chunks {
            splitter.feed(chunk, &mut record);
        }
        splitter.finish(&mut record);
        out
    }

    #[test]
    fn joins_lines_across_chunks_and_keeps_the_last_unterminated_line() {
        let lines = split(&[b"ab", b"c\nde", b"\n\nf"]);
        assert_eq!(
            lines,
            vec![
                (1, Ok(b"abc".to_vec())),
                (2, Ok(b"de".to_vec())),
                (3, Ok(vec![])),
                (4, Ok(b"f".to_vec()))
            ]
        );
    }

    #[test]
    fn drops_overlong_lines_but_keeps_counting() {
        let long = vec![b'x'; MAX_LINE + 10];
        let lines = split(&[b"a\n", &long[..MAX_LINE], &long[MAX_LINE..], b"\nb"]);
        assert_eq!(
            lines,
            vec![
                (1, Ok(b"a".to_vec())),
                (2, Err(MAX_LINE as u64 + 10)),
                (3, Ok(b"b".to_vec()))
            ]
        );
        let mut whole = long.clone();
        whole.extend_from_slice(b"\nc\n");
        assert_eq!(
            split(&[&whole]),
            vec![(1, Err(MAX_LINE as u64 + 10)), (2, Ok(b"c".to_vec()))]
        );
        assert_eq!(split(&[&long]), vec![(1, Err(MAX_LINE as u64 + 10))]);
    }
}
