//! Timestamps: an instant plus the UTC offset the device wrote with it.
//!
//! The time model is chrono's `DateTime<FixedOffset>`: every timestamp keeps the offset of
//! its own record, because the device's offset changes inside one export across DST. The
//! compact [`Timestamp`] stores exactly what that model needs (UTC milliseconds and the
//! offset in minutes) in 8 bytes, and converts to and from chrono.
//!
//! Parsing has a fast path for the one shape iOS writes (`YYYY-MM-DDTHH:MM:SS.mmm±HH:MM`,
//! also without the fraction or with `Z`), because chrono's general RFC 3339 parser was the
//! largest single cost of reading an export. Every other shape goes to chrono, and a test
//! checks the fast path against chrono on every shape it accepts.

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat};

const MS_PER_MINUTE: i64 = 60_000;
const MS_PER_DAY: i64 = 86_400_000;

/// An instant with millisecond precision and the UTC offset it was written in.
///
/// Ordered by instant first, then by offset, so sorting is chronological. Both parts are
/// packed into one `i64` (`utc_ms × 4096 + offset + 2048`), whose integer order is exactly
/// that order: the history keeps millions of timestamps, and 8 bytes each halve what
/// (utc_ms, offset) took with its padding.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    packed: i64,
}

/// Instants are at most this many milliseconds away from the epoch (about 8 900 years,
/// while RFC 3339 has years 0000–9999), so a packed timestamp takes 61 bits.
const MAX_ABS_UTC_MS: i64 = (1 << 48) - 1;
/// Bits of the packed form that hold the offset (plus [`OFFSET_BIAS`]).
const OFFSET_BITS: u32 = 12;
/// Added to the offset so that it is never negative, nor zero: `-1439 + 2048 > 0`.
const OFFSET_BIAS: i64 = 2048;

/// Written as RFC 3339 with milliseconds, in its own offset ([`Timestamp::to_rfc3339`]).
impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

impl std::fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timestamp")
            .field("utc_ms", &self.utc_ms())
            .field("offset_minutes", &self.offset_minutes())
            .finish()
    }
}

impl Timestamp {
    /// Builds a timestamp from milliseconds since the Unix epoch (UTC) and an offset in
    /// minutes east of UTC. Returns `None` when the offset is not within ±23:59, or the
    /// instant is more than 2^48 ms (about 8 900 years) away from the epoch.
    pub fn from_parts(utc_ms: i64, offset_minutes: i16) -> Option<Timestamp> {
        let valid = offset_minutes.unsigned_abs() < 24 * 60
            && utc_ms.unsigned_abs() <= MAX_ABS_UTC_MS as u64;
        valid.then(|| Timestamp {
            packed: (utc_ms << OFFSET_BITS) + i64::from(offset_minutes) + OFFSET_BIAS,
        })
    }

    /// The packed form: never zero, and within 61 bits (−2^60 ≤ bits < 2^60), so that a
    /// table may keep flags in the three bits above, and 0 for "none".
    pub(crate) fn to_bits(self) -> i64 {
        self.packed
    }

    /// The timestamp whose [`to_bits`](Timestamp::to_bits) is `bits`.
    pub(crate) fn from_bits(bits: i64) -> Timestamp {
        debug_assert!(Timestamp::from_parts(
            bits >> OFFSET_BITS,
            ((bits & 0xFFF) - OFFSET_BIAS) as i16
        )
        .is_some());
        Timestamp { packed: bits }
    }

    /// The timestamp whose [`to_bits`](Timestamp::to_bits) is `bits`, if any is.
    pub(crate) fn checked_from_bits(bits: i64) -> Option<Timestamp> {
        let offset = (bits & ((1 << OFFSET_BITS) - 1)) - OFFSET_BIAS;
        let time = Timestamp::from_parts(bits >> OFFSET_BITS, i16::try_from(offset).ok()?)?;
        (time.packed == bits).then_some(time)
    }

    /// Parses an RFC 3339 timestamp such as `2022-04-27T10:53:27.920-04:00` or
    /// `2021-06-21T17:03:07Z`. Fractions finer than a millisecond are truncated.
    pub fn parse(text: &str) -> Option<Timestamp> {
        parse_fast(text.as_bytes()).or_else(|| parse_with_chrono(text))
    }

    /// [`parse`](Timestamp::parse) of the shape iOS writes, `YYYY-MM-DDTHH:MM:SS.mmm±HH:MM`,
    /// which has no other characters than digits and separators; `None` when `text` is not
    /// a valid time in that shape (`parse` may still read it: a leap second, say).
    pub fn parse_ios_shape(text: &[u8; 29]) -> Option<Timestamp> {
        from_written(written_in_ios_shape(text)?)
    }

    /// Milliseconds since the Unix epoch, UTC.
    pub fn utc_ms(self) -> i64 {
        self.packed >> OFFSET_BITS
    }

    /// The offset the record was written in, in minutes east of UTC.
    pub fn offset_minutes(self) -> i16 {
        ((self.packed & ((1 << OFFSET_BITS) - 1)) - OFFSET_BIAS) as i16
    }

    /// Milliseconds since the epoch of the local wall clock (UTC ms shifted by the offset).
    pub fn local_ms(self) -> i64 {
        self.utc_ms() + i64::from(self.offset_minutes()) * MS_PER_MINUTE
    }

    /// Minutes since local midnight, 0..1440.
    pub fn local_minute_of_day(self) -> u16 {
        (self
            .local_ms()
            .div_euclid(MS_PER_MINUTE)
            .rem_euclid(24 * 60)) as u16
    }

    /// Days since 1970-01-01 of the local calendar date.
    pub fn local_day(self) -> i64 {
        self.local_ms().div_euclid(MS_PER_DAY)
    }

    /// The same instant as chrono's `DateTime<FixedOffset>`.
    pub fn to_datetime(self) -> DateTime<FixedOffset> {
        let offset = FixedOffset::east_opt(i32::from(self.offset_minutes()) * 60)
            .expect("offset is validated on construction");
        DateTime::from_timestamp_millis(self.utc_ms())
            .unwrap_or_default()
            .with_timezone(&offset)
    }

    /// RFC 3339 with milliseconds and the record's own offset (`Z` for UTC).
    ///
    /// Written digit by digit, as chrono's `to_rfc3339_opts(SecondsFormat::Millis, true)`
    /// writes it (a report formats tens of thousands of times); chrono writes the years
    /// outside 0000–9999, which it spells differently.
    pub fn to_rfc3339(self) -> String {
        let local_ms = self.local_ms();
        let Some(date) = four_digit_date(local_ms.div_euclid(MS_PER_DAY)) else {
            return self
                .to_datetime()
                .to_rfc3339_opts(SecondsFormat::Millis, true);
        };
        let ms_of_day = local_ms.rem_euclid(MS_PER_DAY);
        let (minutes, ms) = (ms_of_day / MS_PER_MINUTE, ms_of_day % MS_PER_MINUTE);
        let mut text = *b"YYYY-MM-DDTHH:MM:SS.mmm+HH:MM";
        text[..10].copy_from_slice(&date);
        write_digits(&mut text[11..13], minutes / 60);
        write_digits(&mut text[14..16], minutes % 60);
        write_digits(&mut text[17..19], ms / 1000);
        write_digits(&mut text[20..23], ms % 1000);
        let length = match self.offset_minutes() {
            0 => {
                text[23] = b'Z';
                24
            }
            offset => {
                text[23] = if offset < 0 { b'-' } else { b'+' };
                let offset = i64::from(offset.unsigned_abs());
                write_digits(&mut text[24..26], offset / 60);
                write_digits(&mut text[27..29], offset % 60);
                29
            }
        };
        String::from_utf8(text[..length].to_vec()).expect("ASCII")
    }
}

/// Formats a day number from [`Timestamp::local_day`] as `YYYY-MM-DD`.
pub fn format_day(day: i64) -> String {
    match four_digit_date(day) {
        Some(date) => String::from_utf8(date.to_vec()).expect("ASCII"),
        None => NaiveDate::from_num_days_from_ce_opt((day + 719_163) as i32)
            .map(|date| date.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    }
}

/// `YYYY-MM-DD` of a day number; `None` for a year outside 0000–9999.
fn four_digit_date(day: i64) -> Option<[u8; 10]> {
    let (year, month, day) = civil_from_days(day);
    if !(0..=9999).contains(&year) {
        return None;
    }
    let mut text = *b"YYYY-MM-DD";
    write_digits(&mut text[0..4], year);
    write_digits(&mut text[5..7], i64::from(month));
    write_digits(&mut text[8..10], i64::from(day));
    Some(text)
}

/// Writes the last `digits.len()` decimal digits of `value` (not negative), zero-padded.
fn write_digits(digits: &mut [u8], mut value: i64) {
    for digit in digits.iter_mut().rev() {
        *digit = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

fn parse_with_chrono(text: &str) -> Option<Timestamp> {
    let parsed = DateTime::parse_from_rfc3339(text).ok()?;
    let offset_minutes = i16::try_from(parsed.offset().local_minus_utc() / 60).ok()?;
    // Only whole-minute offsets exist on devices; a seconds part would be lost here.
    if parsed.offset().local_minus_utc() % 60 != 0 {
        return None;
    }
    Timestamp::from_parts(parsed.timestamp_millis(), offset_minutes)
}

/// The fast path: `YYYY-MM-DDTHH:MM:SS`, an optional `.mmm`, then `Z` or `±HH:MM`.
/// Returns `None` for anything else (chrono then decides), never a different answer.
fn parse_fast(b: &[u8]) -> Option<Timestamp> {
    from_written(match <&[u8; 29]>::try_from(b) {
        Ok(ios) => written_in_ios_shape(ios)?,
        Err(_) => written(b)?,
    })
}

/// The timestamp written as `written`, if every number is in range.
// Inlined into its two callers: called apart, passing `Written` through memory cost a
// quarter of parsing an iOS timestamp.
#[inline(always)]
fn from_written(written: Written) -> Option<Timestamp> {
    let Written {
        year,
        month,
        day,
        hour,
        minute,
        second,
        millis,
        offset_minutes,
    } = written;
    // Second 60 (a leap second) is left to chrono.
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let local_ms = ((days * 24 + i64::from(hour)) * 60 + i64::from(minute)) * MS_PER_MINUTE
        + i64::from(second) * 1000
        + i64::from(millis);
    Timestamp::from_parts(
        local_ms - i64::from(offset_minutes) * MS_PER_MINUTE,
        offset_minutes,
    )
}

/// The numbers of a timestamp as written; all but the offset not yet checked for range.
struct Written {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    millis: u32,
    offset_minutes: i16,
}

/// Reads `YYYY-MM-DDTHH:MM:SS`, an optional `.mmm`, then `Z` or `±HH:MM`, byte by byte.
fn written(b: &[u8]) -> Option<Written> {
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (millis, rest) = match &b[19..] {
        [b'.', d0, d1, d2, rest @ ..] => (digits(&[*d0, *d1, *d2])?, rest),
        rest => (0, rest),
    };
    let offset_minutes = match rest {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), h0, h1, b':', m0, m1] => {
            offset(*sign, digits(&[*h0, *h1])?, digits(&[*m0, *m1])?)?
        }
        _ => return None,
    };
    Some(Written {
        year: i64::from(digits(&b[0..4])?),
        month: digits(&b[5..7])?,
        day: digits(&b[8..10])?,
        hour: digits(&b[11..13])?,
        minute: digits(&b[14..16])?,
        second: digits(&b[17..19])?,
        millis,
        offset_minutes,
    })
}

/// Reads the shape iOS writes, `YYYY-MM-DDTHH:MM:SS.mmm±HH:MM`, checking it eight bytes at
/// a time: checked byte by byte, it was most of the cost of a timestamp, and every record
/// has one or two.
#[inline(always)]
fn written_in_ios_shape(text: &[u8; 29]) -> Option<Written> {
    // `0` must be a digit, `?` is checked apart, anything else must be there as it is.
    const SHAPE: &[u8; 29] = b"0000-00-00T00:00:00.000?00:00";
    const WORDS: [usize; 4] = [0, 8, 16, 21];
    /// For the word at `at`: the bytes that must be digits, and those that must equal SHAPE's.
    const fn masks(at: usize) -> (u64, u64) {
        let (mut digits, mut exact, mut i) = (0u64, 0u64, 0);
        while i < 8 {
            match SHAPE[at + i] {
                b'0' => digits |= 0xFF << (8 * i),
                b'?' => {}
                _ => exact |= 0xFF << (8 * i),
            }
            i += 1;
        }
        (digits, exact)
    }
    const MASKS: [(u64, u64); 4] = [
        masks(WORDS[0]),
        masks(WORDS[1]),
        masks(WORDS[2]),
        masks(WORDS[3]),
    ];
    const ONES: u64 = 0x0101_0101_0101_0101;
    let word = |bytes: &[u8; 29], at: usize| {
        u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"))
    };
    let mut wrong = 0u64;
    // Per word, byte i holds 10 × digit i + digit i + 1 (where both are digits): a two-digit
    // number starting at any byte, read with a shift.
    let mut pairs = [0u64; 4];
    for ((&at, &(digits, exact)), pairs) in WORDS.iter().zip(&MASKS).zip(&mut pairs) {
        let (written, shape) = (word(text, at), word(SHAPE, at));
        // A byte is a digit when, xored with '0', it is at most 9: its high nibble is 0, and
        // adding 6 does not carry into it. A byte above 0xF9 carries into the next one, but
        // it is wrong by itself: as a digit (high nibble set) or as a separator (not equal).
        let values = written ^ (ONES * u64::from(b'0'));
        wrong |= (values | values.wrapping_add(ONES * 6)) & (ONES * 0xF0) & digits;
        wrong |= (written ^ shape) & exact;
        // Digits are at most 9, so no byte overflows into the next (99 at most); the bytes
        // that are not two digits hold garbage that is never read.
        *pairs = (values & digits)
            .wrapping_mul(10)
            .wrapping_add((values & digits) >> 8);
    }
    if wrong != 0 {
        return None;
    }
    // The two-digit number at `at` in the text (within the word that starts at WORDS[word]).
    let two = |word: usize, at: usize| ((pairs[word] >> (8 * (at - WORDS[word]))) & 0xFF) as u32;
    Some(Written {
        year: i64::from(two(0, 0) * 100 + two(0, 2)),
        month: two(0, 5),
        day: two(1, 8),
        hour: two(1, 11),
        minute: two(1, 14),
        second: two(2, 17),
        millis: two(2, 20) * 10 + two(2, 22) / 10,
        offset_minutes: match text[23] {
            sign @ (b'+' | b'-') => offset(sign, two(3, 24), two(3, 27))?,
            _ => return None,
        },
    })
}

/// The offset `±HH:MM` in minutes, if hours and minutes are in range.
fn offset(sign: u8, hours: u32, minutes: u32) -> Option<i16> {
    if hours > 23 || minutes > 59 {
        return None;
    }
    let total = (hours * 60 + minutes) as i16;
    Some(if sign == b'-' { -total } else { total })
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date of a day number since 1970-01-01, as (year, month, day)
/// (H. Hinnant's `civil_from_days`, the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn via_chrono(text: &str) -> Option<Timestamp> {
        parse_with_chrono(text)
    }

    #[test]
    fn fast_path_agrees_with_chrono_on_export_shapes() {
        for text in [
            "2022-04-27T10:53:27.920-04:00",
            "2023-11-20T18:55:24.086+01:00",
            "2021-06-21T17:03:07Z",
            "2024-02-29T23:59:59.999+14:00",
            "2000-02-29T00:00:00.000-12:00",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.001+00:00",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999-23:59",
            "2025-03-30T02:30:00.000+05:45",
        ] {
            let fast = parse_fast(text.as_bytes());
            assert!(fast.is_some(), "fast path should take {text}");
            assert_eq!(fast, via_chrono(text), "{text}");
        }
    }

    #[test]
    fn the_ios_shape_is_read_as_byte_by_byte_on_every_byte_at_every_position() {
        for valid in [
            b"2025-02-11T13:34:34.775+01:00",
            b"0000-00-00T00:00:00.000-00:00",
            b"9999-99-99T99:99:99.999+23:59",
        ] {
            assert!(written_in_ios_shape(valid).is_some());
            for position in 0..29 {
                for byte in 0..=255u8 {
                    let mut text = *valid;
                    text[position] = byte;
                    let same = |text: &[u8; 29]| {
                        let (swar, bytewise) = (written_in_ios_shape(text), written(text));
                        assert_eq!(
                            swar.is_some(),
                            bytewise.is_some(),
                            "{}",
                            String::from_utf8_lossy(text)
                        );
                        if let (Some(a), Some(b)) = (swar, bytewise) {
                            let fields = |w: Written| {
                                (
                                    w.year,
                                    w.month,
                                    w.day,
                                    w.hour,
                                    w.minute,
                                    w.second,
                                    w.millis,
                                    w.offset_minutes,
                                )
                            };
                            assert_eq!(fields(a), fields(b), "{}", String::from_utf8_lossy(text));
                        }
                    };
                    same(&text);
                    // A second odd byte next to the first, where a carry would land.
                    for neighbour in [0x00, 0x0A, 0x2F, 0x3A, 0xFA, 0xFF] {
                        let mut text = text;
                        text[(position + 1) % 29] = neighbour;
                        same(&text);
                    }
                }
            }
        }
    }

    #[test]
    fn fast_path_declines_what_it_does_not_know() {
        for text in [
            "2022-04-27t10:53:27.920-04:00",
            "2022-04-27 10:53:27-04:00",
            "2022-04-27T10:53:27.92-04:00",
            "2022-04-27T10:53:27.920123-04:00",
            "2022-04-27T10:53:60Z",
            "2023-02-29T10:53:27Z",
            "2022-13-27T10:53:27Z",
            "2022-04-27T24:00:00Z",
            "2022-04-27T10:53:27+24:00",
            "2022-04-27T10:53:27",
            "2022-04-27T10:53:27z",
            "+2022-04-27T10:53:27Z",
        ] {
            assert_eq!(parse_fast(text.as_bytes()), None, "{text}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        /// Any date and time in the export's shape, valid or not: whatever the fast path
        /// accepts, chrono reads the same; whatever is valid, the fast path accepts.
        #[test]
        fn fast_path_matches_chrono_on_random_timestamps(
            year in 0u32..10000, month in 0u32..14, day in 0u32..33, hour in 0u32..25, minute in 0u32..61,
            second in 0u32..61, millis in proptest::option::of(0u32..1000),
            offset in proptest::option::of((proptest::bool::ANY, 0u32..25, 0u32..61)),
        ) {
            let fraction = millis.map(|ms| format!(".{ms:03}")).unwrap_or_default();
            let zone = match offset {
                None => "Z".to_owned(),
                Some((east, hours, minutes)) => format!("{}{hours:02}:{minutes:02}", if east { '+' } else { '-' }),
            };
            let text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}{zone}");
            let chrono = via_chrono(&text);
            match parse_fast(text.as_bytes()) {
                Some(fast) => proptest::prop_assert_eq!(Some(fast), chrono, "{}", text),
                // Declined: only leap seconds, which chrono may read, or what chrono rejects too.
                None => proptest::prop_assert!(chrono.is_none() || second == 60, "{}", text),
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        /// Formatting digit by digit writes what chrono writes, from year -1 to 10000.
        #[test]
        fn rfc3339_and_days_are_written_as_chrono_writes_them(
            utc_ms in -62_200_000_000_000i64..253_500_000_000_000, offset in -1439i16..=1439, round in 0u8..3,
        ) {
            // Whole seconds, minutes and days too, and the zero offset.
            let utc_ms = match round { 0 => utc_ms, 1 => utc_ms - utc_ms.rem_euclid(1000), _ => utc_ms - utc_ms.rem_euclid(MS_PER_DAY) };
            for offset in [offset, 0] {
                let time = Timestamp::from_parts(utc_ms, offset).unwrap();
                proptest::prop_assert_eq!(time.to_rfc3339(), time.to_datetime().to_rfc3339_opts(SecondsFormat::Millis, true));
                let day = time.local_day();
                let chrono_day = NaiveDate::from_num_days_from_ce_opt((day + 719_163) as i32).unwrap().format("%Y-%m-%d").to_string();
                proptest::prop_assert_eq!(format_day(day), chrono_day);
            }
        }
    }

    #[test]
    fn packed_timestamps_order_by_instant_then_offset_and_fit_61_bits() {
        let extremes = [-MAX_ABS_UTC_MS, -1, 0, 1, MAX_ABS_UTC_MS];
        let offsets = [-1439i16, -1, 0, 1, 1439];
        let mut times: Vec<(i64, i16)> = extremes
            .iter()
            .flat_map(|&ms| offsets.map(|offset| (ms, offset)))
            .collect();
        times.sort_unstable();
        let packed: Vec<Timestamp> = times
            .iter()
            .map(|&(ms, offset)| Timestamp::from_parts(ms, offset).unwrap())
            .collect();
        assert!(packed.windows(2).all(|pair| pair[0] < pair[1]));
        for (time, &(ms, offset)) in packed.iter().zip(&times) {
            assert_eq!((time.utc_ms(), time.offset_minutes()), (ms, offset));
            assert_ne!(time.to_bits(), 0);
            assert!((-(1i64 << 60)..(1i64 << 60)).contains(&time.to_bits()));
            assert_eq!(Timestamp::from_bits(time.to_bits()), *time);
        }
        assert_eq!(Timestamp::from_parts(MAX_ABS_UTC_MS + 1, 0), None);
        assert_eq!(Timestamp::from_parts(-MAX_ABS_UTC_MS - 1, 0), None);
    }

    #[test]
    fn civil_from_days_inverts_days_from_civil() {
        for day in -800_000..3_000_000 {
            let (year, month, day_of_month) = civil_from_days(day);
            assert_eq!(days_from_civil(year, month, day_of_month), day);
        }
    }

    #[test]
    fn chrono_handles_the_other_shapes() {
        let micro = Timestamp::parse("2022-04-27T10:53:27.920999-04:00").unwrap();
        assert_eq!(
            micro,
            Timestamp::parse("2022-04-27T10:53:27.920-04:00").unwrap()
        );
        assert!(Timestamp::parse("2022-04-27 10:53:27-04:00").is_some());
        assert_eq!(Timestamp::parse("yesterday"), None);
        assert_eq!(Timestamp::parse(""), None);
    }

    #[test]
    fn local_time_uses_the_records_own_offset() {
        let before = Timestamp::parse("2025-03-30T01:59:00.000+01:00").unwrap();
        let after = Timestamp::parse("2025-03-30T03:01:00.000+02:00").unwrap();
        assert_eq!(before.local_minute_of_day(), 119);
        assert_eq!(after.local_minute_of_day(), 181);
        assert_eq!(after.utc_ms() - before.utc_ms(), 2 * 60_000);
        assert_eq!(format_day(before.local_day()), "2025-03-30");
        let late = Timestamp::parse("2022-04-27T23:30:00.000-04:00").unwrap();
        assert_eq!(format_day(late.local_day()), "2022-04-27");
        assert_eq!(late.to_rfc3339(), "2022-04-27T23:30:00.000-04:00");
        assert_eq!(
            Timestamp::parse("2021-06-21T17:03:07Z")
                .unwrap()
                .to_rfc3339(),
            "2021-06-21T17:03:07.000Z"
        );
    }
}
