//! The readable report: findings first, then the overview, the apps and the diagnostics.

use std::io::{self, Write};

use privacy_lens::Report;

/// Writes `report` for a person to read.
pub fn write_report(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let exports = report.files.iter().filter(|f| f.error.is_none()).count();
    write!(out, "Privacy Lens: {exports} of {} files read as exports", report.files.len())?;
    match &report.period {
        Some(period) => writeln!(out, ", {} to {} ({})", period.first, period.last, plural(period.days, "day", "days"))?,
        None => writeln!(out)?,
    }

    writeln!(out, "\nFindings ({})", report.findings.len())?;
    if report.findings.is_empty() {
        writeln!(out, "  None of the rules matched.")?;
    }
    for finding in &report.findings {
        writeln!(out, "  * [{}] {}", finding.rule, finding.text)?;
        for evidence in &finding.evidence {
            writeln!(out, "      {} to {} ({} s)", evidence.begin, evidence.end, evidence.seconds)?;
        }
    }

    let r = &report.records;
    writeln!(out, "\nOverview")?;
    writeln!(
        out,
        "  Records kept: {} access, {} network, {} events; {} unknown, {} duplicates dropped, {} lines skipped",
        r.access, r.network, r.events, r.unknown, r.duplicates, r.skipped
    )?;
    for file in &report.files {
        match (&file.error, file.generation) {
            (Some(error), _) => writeln!(out, "  {}: not read: {error}", file.name)?,
            (None, generation) => writeln!(
                out,
                "  {}: {}, {} to {}, {}, {} skipped",
                file.name,
                generation.map_or("", |g| g.as_str()),
                file.first.as_deref().unwrap_or("?"),
                file.last.as_deref().unwrap_or("?"),
                plural(file.records, "record", "records"),
                plural(file.skipped, "line", "lines")
            )?,
        }
    }

    writeln!(out, "\nApps ({})", report.apps.len())?;
    for app in &report.apps {
        match (app.name_source, &app.name_zh, &app.company) {
            ("table", zh, company) => writeln!(
                out,
                "  {}{} ({}){}",
                app.name,
                zh.as_ref().map_or(String::new(), |zh| format!(" {zh}")),
                app.bundle_id,
                company.as_ref().map_or(String::new(), |c| format!(", {c}"))
            )?,
            (_, _, Some(company)) => writeln!(out, "  {} ({company})", app.bundle_id)?,
            _ => writeln!(out, "  {}", app.bundle_id)?,
        }
        for c in &app.access {
            write!(out, "    {}: {}", c.category, plural(c.intervals, "interval", "intervals"))?;
            if c.intervals > 0 {
                write!(
                    out,
                    " ({} in quiet hours), {:.1} s in all, longest {:.1} s",
                    c.quiet_hours, c.total_seconds, c.max_seconds
                )?;
            }
            for (count, what) in [(c.open, "open"), (c.orphan_ends, "ends without begin"), (c.events, "events")] {
                if count > 0 {
                    write!(out, ", {count} {what}")?;
                }
            }
            writeln!(out)?;
        }
        let n = &app.network;
        if n.domains > 0 {
            writeln!(
                out,
                "    network: {}, {}{} ({} flagged by Apple, {} third-party trackers{})",
                plural(n.domains, "domain", "domains"),
                if n.hits_upper_bound { "at most " } else { "" },
                plural(n.hits, "hit", "hits"),
                n.flagged_domains,
                n.tracker_domains,
                if n.third_party_companies.is_empty() {
                    String::new()
                } else {
                    format!("; companies: {}", n.third_party_companies.join(", "))
                }
            )?;
        }
    }

    if !report.diagnostics.is_empty() {
        writeln!(out, "\nSkipped or odd lines ({})", report.diagnostics.len() as u64 + report.diagnostics_omitted)?;
        for d in &report.diagnostics {
            writeln!(out, "  {}:{}: {}", d.file, d.line, d.message)?;
        }
        if report.diagnostics_omitted > 0 {
            writeln!(out, "  … and {} more", report.diagnostics_omitted)?;
        }
    }
    Ok(())
}

/// `1 day`, `3 days`.
fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}
