//! The reference decoder: serde_json's `Value`, then plain field look-ups.
//!
//! This file is the definition of what a line means. It is simple on purpose; speed is the
//! fast reader's job.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::DecodeError;
use crate::record::{category_of_tcc_service, Access, AccessKind, Event, Line, Marker, Network};

/// Decodes one line through `serde_json::Value`.
pub fn decode(line: &[u8]) -> Result<Line<'static>, DecodeError> {
    let value: Value = serde_json::from_slice(line).map_err(json_error)?;
    let Value::Object(object) = value else {
        return Err(DecodeError(format!(
            "not a JSON object but {}",
            kind_of(&value)
        )));
    };
    decode_object(&object)
}

/// Decodes one record object (an NDJSON line, or an entry of the beta-1 network block).
pub fn decode_object(object: &Map<String, Value>) -> Result<Line<'static>, DecodeError> {
    match object.get("type") {
        Some(Value::String(kind)) if kind == "access" => access(object),
        Some(Value::String(kind)) if kind == "networkActivity" => {
            network(object, None).map(Line::Network)
        }
        Some(_) => Ok(Line::Unknown),
        None if object.contains_key("_marker") => Ok(Line::Marker(marker(object))),
        None if object.get("kind").and_then(Value::as_str) == Some("event") => event(object),
        None if object.contains_key("domain") && object.contains_key("bundleID") => {
            network(object, None).map(Line::Network)
        }
        None => Ok(Line::Unknown),
    }
}

/// Decodes a network dictionary of the beta-1 block, whose app is the key of its array.
pub fn decode_beta1_network(
    object: &Map<String, Value>,
    app: &str,
) -> Result<Network<'static>, DecodeError> {
    network(object, Some(app))
}

fn access(object: &Map<String, Value>) -> Result<Line<'static>, DecodeError> {
    let kind = match required_str(object, "kind")? {
        "intervalBegin" => AccessKind::Begin,
        "intervalEnd" => AccessKind::End,
        "event" => return event(object),
        other => {
            return Err(DecodeError(format!(
                "unknown access kind {}",
                quoted(other)
            )))
        }
    };
    Ok(Line::Access(Access {
        accessor: owned(
            accessor(object, "accessor").ok_or_else(|| missing("accessor.identifier"))?,
        ),
        category: owned(required_str(object, "category")?),
        identifier: owned(required_str(object, "identifier")?),
        kind,
        time_stamp: owned(required_str(object, "timeStamp")?),
        out_of_process: match object.get("outOfProcess") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(flag)) => *flag,
            Some(_) => return Err(DecodeError("outOfProcess is not true or false".into())),
        },
        access_count: optional_u64(object, "accessCount")?,
        broadcaster: accessor(object, "broadcaster").map(owned),
    }))
}

fn network(
    object: &Map<String, Value>,
    beta1_app: Option<&str>,
) -> Result<Network<'static>, DecodeError> {
    let bundle_id = match beta1_app {
        Some(app) => optional_str(object, "bundleID")?
            .or(optional_str(object, "hasApp.bundleName")?)
            .unwrap_or(app),
        None => required_str(object, "bundleID")?,
    };
    let time_stamp = required_str(object, "timeStamp")?;
    Ok(Network {
        bundle_id: owned(bundle_id),
        domain: owned(required_str(object, "domain")?),
        context: owned(optional_str(object, "context")?.unwrap_or("")),
        initiated_type: owned(optional_str(object, "initiatedType")?.unwrap_or("")),
        domain_type: optional_u64(object, "domainType")?.unwrap_or(0),
        domain_owner: owned(optional_str(object, "domainOwner")?.unwrap_or("")),
        hits: optional_u64(object, "hits")?.ok_or_else(|| missing("hits"))?,
        first_time_stamp: owned(optional_str(object, "firstTimeStamp")?.unwrap_or(time_stamp)),
        time_stamp: owned(time_stamp),
        domain_classification: optional_u64(object, "domainClassification")?,
        context_verification_type: optional_u64(object, "contextVerificationType")?,
        typed: object.contains_key("type"),
    })
}

fn event(object: &Map<String, Value>) -> Result<Line<'static>, DecodeError> {
    let time_stamp = match optional_str(object, "timestamp")? {
        Some(text) => text,
        None => required_str(object, "timeStamp")?,
    };
    let category = match optional_str(object, "category")? {
        Some(category) => category,
        None => optional_str(object, "tccService")?
            .map(category_of_tcc_service)
            .unwrap_or("unknown"),
    };
    Ok(Line::Event(Event {
        accessor: owned(
            accessor(object, "accessor").ok_or_else(|| missing("accessor.identifier"))?,
        ),
        category: owned(category),
        identifier: owned(required_str(object, "identifier")?),
        time_stamp: owned(time_stamp),
    }))
}

fn marker(object: &Map<String, Value>) -> Marker {
    match object.get("_marker").and_then(Value::as_str) {
        Some("<metadata>") => match object.get("recordType").and_then(Value::as_str) {
            Some("networkActivity") => Marker::NetworkMetadata,
            _ => Marker::AccessMetadata {
                version: object.get("version").and_then(Value::as_u64),
            },
        },
        Some("<end-of-section>") => Marker::EndOfSection,
        _ => Marker::Other,
    }
}

/// `object[key].identifier` when it is a string.
fn accessor<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    object.get(key)?.get("identifier")?.as_str()
}

fn required_str<'v>(object: &'v Map<String, Value>, key: &str) -> Result<&'v str, DecodeError> {
    optional_str(object, key)?.ok_or_else(|| missing(key))
}

fn optional_str<'v>(
    object: &'v Map<String, Value>,
    key: &str,
) -> Result<Option<&'v str>, DecodeError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(DecodeError(format!(
            "{key} is {} instead of a string",
            kind_of(other)
        ))),
    }
}

fn optional_u64(object: &Map<String, Value>, key: &str) -> Result<Option<u64>, DecodeError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value.as_u64().map(Some).ok_or_else(|| {
            DecodeError(format!(
                "{key} is {} instead of a whole number",
                kind_of(value)
            ))
        }),
    }
}

fn missing(key: &str) -> DecodeError {
    DecodeError(format!("the record has no {key}"))
}

fn owned(text: &str) -> Cow<'static, str> {
    Cow::Owned(text.to_owned())
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(n) if n.is_u64() => "a whole number",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A file string for a message: quoted, and cut at 40 characters.
pub(crate) fn quoted(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}…", &text[..cut]),
        None => format!("{text:?}"),
    }
}

fn json_error(error: serde_json::Error) -> DecodeError {
    let full = error.to_string();
    let location = format!(" at line {} column {}", error.line(), error.column());
    let reason = full.strip_suffix(&location).unwrap_or(&full);
    if reason == "recursion limit exceeded" {
        return DecodeError(format!(
            "JSON nested more than 128 levels deep (column {})",
            error.column()
        ));
    }
    DecodeError(format!(
        "not valid JSON (column {}): {reason}",
        error.column()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(line: &str) -> String {
        decode(line.as_bytes()).unwrap_err().0
    }

    #[test]
    fn explains_what_is_wrong() {
        assert_eq!(
            reason("{\"type\":\"access\""),
            "not valid JSON (column 16): EOF while parsing an object"
        );
        assert_eq!(reason("[1,2]"), "not a JSON object but an array");
        assert_eq!(
            reason(r#"{"type":"access","kind":"intervalBegin"}"#),
            "the record has no accessor.identifier"
        );
        assert_eq!(
            reason(
                r#"{"type":"networkActivity","bundleID":"a","domain":"b","timeStamp":"t","hits":"4"}"#
            ),
            "hits is a string instead of a whole number"
        );
        assert_eq!(
            reason(r#"{"type":"access","kind":"sideways"}"#),
            "unknown access kind \"sideways\""
        );
    }

    #[test]
    fn knows_the_beta_shapes() {
        let metadata = r#"{"version":2,"recordType":"access","exportTimestamp":"2021-06-22T13:51:39.720+08:00","_marker":"<metadata>"}"#;
        assert_eq!(
            decode(metadata.as_bytes()).unwrap(),
            Line::Marker(Marker::AccessMetadata { version: Some(2) })
        );
        assert_eq!(
            decode(br#"{"_marker": "<end-of-section>"}"#).unwrap(),
            Line::Marker(Marker::EndOfSection)
        );
        let event = r#"{"stream":"com.apple.privacy.accounting.stream.tcc","accessor":{"identifier":"com.x","identifierType":"bundleID"},"tccService":"kTCCServiceAddressBook","identifier":"A","kind":"event","timestamp":"2021-06-21T17:03:07Z","version":3}"#;
        let Line::Event(event) = decode(event.as_bytes()).unwrap() else {
            panic!("not an event")
        };
        assert_eq!(
            (event.category.as_ref(), event.accessor.as_ref()),
            ("contacts", "com.x")
        );
        assert_eq!(
            decode(br#"{"type":"somethingNew","x":1}"#).unwrap(),
            Line::Unknown
        );
        assert_eq!(decode(br#"{"hello":"world"}"#).unwrap(), Line::Unknown);
    }
}
