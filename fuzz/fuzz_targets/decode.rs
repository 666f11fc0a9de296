//! The fast line reader against the serde_json reference: on every line the fast reader
//! accepts, both must give the same record.
#![no_main]

use libfuzzer_sys::fuzz_target;
use privacy_lens::decode::{fast, reference};

fuzz_target!(|data: &[u8]| {
    for line in data.split(|&b| b == b'\n') {
        if let Some(fast) = fast::decode(line) {
            let reference = reference::decode(line);
            assert_eq!(Ok(fast), reference, "line {:?}", String::from_utf8_lossy(line));
        }
    }
});
