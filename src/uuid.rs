//! Apple's access record identifiers (upper-case UUIDs) as 128-bit numbers: the history
//! keys its largest table by them, and a number takes less memory than the text and no
//! interning.

/// An upper-case UUID as its high and low 64 bits: with a `u128`, aligned to 16 bytes, an
/// entry of the access index would take 32 bytes, not 24.
pub type Uuid = (u64, u64);

/// Parses `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX` with upper-case hex digits only, so that
/// the number stands for exactly one spelling. It runs once per access line, so the digits
/// are read eight at a time.
pub fn parse_uuid(text: &[u8]) -> Option<Uuid> {
    let text: &[u8; 36] = text.try_into().ok()?;
    if [text[8], text[13], text[18], text[23]] != [b'-'; 4] {
        return None;
    }
    let group = |parts: [&[u8]; 2]| {
        let mut bytes = [0u8; 8];
        bytes[..parts[0].len()].copy_from_slice(parts[0]);
        bytes[parts[0].len()..].copy_from_slice(parts[1]);
        hex8(u64::from_be_bytes(bytes))
    };
    let groups = [
        group([&text[0..8], &[]])?,
        group([&text[9..13], &text[14..18]])?,
        group([&text[19..23], &text[24..28]])?,
        group([&text[28..36], &[]])?,
    ];
    let half = |high: u32, low: u32| (u64::from(high) << 32) | u64::from(low);
    Some((half(groups[0], groups[1]), half(groups[2], groups[3])))
}

/// Eight upper-case hex digits, the first in the highest byte of `word`, as a number.
fn hex8(word: u64) -> Option<u32> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const fn each(byte: u8) -> u64 {
        0x0101_0101_0101_0101 * byte as u64
    }
    if word & HIGH != 0 {
        return None;
    }
    // Every byte is below 0x80, so adding 0x80 - n sets a byte's high bit exactly when the
    // byte is at least n, and never carries into the next byte.
    let at_least = |n: u8| word.wrapping_add(each(0x80 - n)) & HIGH;
    let digit = at_least(b'0') & !at_least(b'9' + 1);
    let letter = at_least(b'A') & !at_least(b'F' + 1);
    if digit | letter != HIGH {
        return None;
    }
    // The low four bits are the value of '0'..='9', and the value minus 9 of 'A'..='F'.
    let nibbles = (word & each(0x0F)) + (letter >> 7) * 9;
    // Pack the eight nibbles (one per byte) into 32 bits: pairs into bytes, then bytes.
    let bytes = (nibbles | nibbles >> 4) & 0x00FF_00FF_00FF_00FF;
    let halves = (bytes | bytes >> 8) & 0x0000_FFFF_0000_FFFF;
    Some(((halves | halves >> 16) & 0xFFFF_FFFF) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_upper_case_uuids_become_numbers() {
        assert!(parse_uuid(b"6AF95C77-3A05-41D5-9F32-F0F0C12CE8FA").is_some());
        assert!(parse_uuid(b"6af95c77-3a05-41d5-9f32-f0f0c12ce8fa").is_none());
        assert!(parse_uuid(b"6AF95C77-3A05-41D5-9F32-F0F0C12CE8F").is_none());
        assert!(parse_uuid(b"6AF95C77+3A05-41D5-9F32-F0F0C12CE8FA").is_none());
        assert_eq!(
            parse_uuid(b"6AF95C77-3A05-41D5-9F32-F0F0C12CE8FA"),
            Some((0x6AF9_5C77_3A05_41D5, 0x9F32_F0F0_C12C_E8FA))
        );
    }

    /// The byte-by-byte definition that `parse_uuid` computes eight digits at a time.
    fn parse_uuid_bytewise(text: &[u8]) -> Option<Uuid> {
        if text.len() != 36 {
            return None;
        }
        let mut value: u128 = 0;
        for (position, &byte) in text.iter().enumerate() {
            let dash = matches!(position, 8 | 13 | 18 | 23);
            let digit = match byte {
                b'-' if dash => continue,
                b'0'..=b'9' if !dash => byte - b'0',
                b'A'..=b'F' if !dash => byte - b'A' + 10,
                _ => return None,
            };
            value = (value << 4) | u128::from(digit);
        }
        Some(((value >> 64) as u64, value as u64))
    }

    #[test]
    fn uuid_parsing_agrees_with_the_bytewise_definition_on_every_byte_at_every_position() {
        for valid in [
            b"6AF95C77-3A05-41D5-9F32-F0F0C12CE8FA",
            b"00000000-0000-0000-0000-000000000000",
            b"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
            b"01234567-89AB-CDEF-0123-456789ABCDEF",
        ] {
            for position in 0..36 {
                for byte in 0..=255u8 {
                    let mut text = *valid;
                    text[position] = byte;
                    assert_eq!(
                        parse_uuid(&text),
                        parse_uuid_bytewise(&text),
                        "{}",
                        String::from_utf8_lossy(&text)
                    );
                }
            }
        }
    }
}
