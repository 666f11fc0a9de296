//! One decoded line of an export, exactly as the file has it.
//!
//! Strings borrow from the line when they can (`Cow::Borrowed`); timestamps stay text here
//! and are parsed by the history, so the two JSON readers in [`crate::decode`] have one
//! thing to agree on: this type.

use std::borrow::Cow;

/// What one line of an export holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// `type:"access"`: one end of a data or sensor access interval.
    Access(Access<'a>),
    /// `type:"networkActivity"`, or a beta-2 network line without `type`.
    Network(Network<'a>),
    /// An iOS 15 beta 1/2 access event (`kind:"event"`): a single moment, no duration.
    Event(Event<'a>),
    /// An iOS 15 beta `_marker` line.
    Marker(Marker),
    /// A JSON object of a record type this version does not know.
    Unknown,
}

/// Which end of an interval an access record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessKind {
    /// `intervalBegin`
    Begin,
    /// `intervalEnd`
    End,
}

/// An access record (iOS 15 beta 3 and later).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access<'a> {
    /// `accessor.identifier`: the app's bundle ID as written (a team-ID prefix is kept).
    pub accessor: Cow<'a, str>,
    /// `category`: `photos`, `contacts`, `location`, … or any future name.
    pub category: Cow<'a, str>,
    /// `identifier`: links the begin and the end of one interval.
    pub identifier: Cow<'a, str>,
    /// `kind`
    pub kind: AccessKind,
    /// `timeStamp`, as text.
    pub time_stamp: Cow<'a, str>,
    /// `outOfProcess`: the access went through a system picker.
    pub out_of_process: bool,
    /// `accessCount` (iOS 18 and later; always 0 so far).
    pub access_count: Option<u64>,
    /// `broadcaster.identifier` (screen recording only).
    pub broadcaster: Option<Cow<'a, str>>,
}

/// A network activity record: one app × domain × context aggregate over the export window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network<'a> {
    /// `bundleID` (beta 1: the key of the app's array).
    pub bundle_id: Cow<'a, str>,
    /// `domain`: a host name (any case) or an IP literal.
    pub domain: Cow<'a, str>,
    /// `context`: the website that made the connection, or empty.
    pub context: Cow<'a, str>,
    /// `initiatedType`: `AppInitiated`, `NonAppInitiated`, or empty when absent.
    pub initiated_type: Cow<'a, str>,
    /// `domainType`: 1 = flagged by Apple as possibly profiling users, 2 = not; 0 when absent.
    pub domain_type: u64,
    /// `domainOwner`, often empty.
    pub domain_owner: Cow<'a, str>,
    /// `hits` over the export window.
    pub hits: u64,
    /// `firstTimeStamp`, as text (the record's `timeStamp` when absent).
    pub first_time_stamp: Cow<'a, str>,
    /// `timeStamp`, as text.
    pub time_stamp: Cow<'a, str>,
    /// `domainClassification` (iOS 15.2 and later).
    pub domain_classification: Option<u64>,
    /// `contextVerificationType` (iOS 15.2 and later).
    pub context_verification_type: Option<u64>,
    /// The line had `type:"networkActivity"` (false for the beta formats).
    pub typed: bool,
}

/// An iOS 15 beta access event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// `accessor.identifier`
    pub accessor: Cow<'a, str>,
    /// `category`, else the category named by `tccService`, else `unknown`.
    pub category: Cow<'a, str>,
    /// `identifier`
    pub identifier: Cow<'a, str>,
    /// `timestamp` (beta spelling) or `timeStamp`, as text.
    pub time_stamp: Cow<'a, str>,
}

/// An iOS 15 beta section marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// `<metadata>` of an access section; `version` 2 was beta 1, 3 was beta 2.
    AccessMetadata {
        /// The metadata's `version`, when it is a whole number.
        version: Option<u64>,
    },
    /// `<metadata>` of a network section (beta 2).
    NetworkMetadata,
    /// `<end-of-section>`
    EndOfSection,
    /// Any other `_marker` (counted as an unknown record, not as a marker).
    Other,
}

/// Maps a beta `tccService` to the category name later exports use.
pub fn category_of_tcc_service(service: &str) -> &str {
    match service {
        "kTCCServicePhotos" | "kTCCServicePhotosAdd" => "photos",
        "kTCCServiceAddressBook" => "contacts",
        "kTCCServiceCamera" => "camera",
        "kTCCServiceMicrophone" => "microphone",
        "kTCCServiceMediaLibrary" => "mediaLibrary",
        "kTCCServiceScreenCapture" => "screenRecording",
        other => other,
    }
}
