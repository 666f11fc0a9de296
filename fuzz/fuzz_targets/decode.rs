//! The fast line reader against the serde_json reference: on every line the fast reader
//! accepts, both must give the same record. And on every line in one of iOS's layouts, the
//! identifier and timestamps the layout reader parsed by their width (which the history
//! uses) must be what the general parsers make of the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use privacy_lens::decode::template::{layout, Layout};
use privacy_lens::decode::{fast, reference};
use privacy_lens::uuid::parse_uuid;
use privacy_lens::Timestamp;

fuzz_target!(|data: &[u8]| {
    for line in data.split(|&b| b == b'\n') {
        if let Some(fast) = fast::decode(line) {
            let reference = reference::decode(line);
            assert_eq!(Ok(fast), reference, "line {:?}", String::from_utf8_lossy(line));
        }
        let Ok(text) = std::str::from_utf8(line) else { continue };
        match layout(text) {
            Some(Layout::Access(access)) => {
                let parsed = (parse_uuid(access.identifier.text(text).as_bytes()), Timestamp::parse(access.time_stamp.text(text)));
                assert_eq!((access.uuid, access.time), parsed, "line {text:?}");
            }
            Some(Layout::Network(network)) => {
                let parsed = (Timestamp::parse(network.first_time_stamp.text(text)), Timestamp::parse(network.time_stamp.text(text)));
                assert_eq!((network.first, network.last), parsed, "line {text:?}");
            }
            None => {}
        }
    }
});
