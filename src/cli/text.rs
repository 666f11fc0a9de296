//! The readable report: findings first, then the overview, the apps and the diagnostics.

use std::io::{self, Write};

use privacy_lens::{Comparison, Figures, Report, Side};

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

    if !report.coverage.gaps.is_empty() {
        writeln!(out, "  Covered: {} (no export covers the gaps below: no data, not no access)", plural(report.coverage.days, "day", "days"))?;
        for gap in &report.coverage.gaps {
            writeln!(out, "  Gap: {} to {} ({})", gap.first, gap.last, plural(gap.days, "day", "days"))?;
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

/// Writes `comparison` for a person to read: biggest changes first.
pub fn write_comparison(out: &mut impl Write, comparison: &Comparison) -> io::Result<()> {
    writeln!(out, "Privacy Lens: before and after")?;
    for (label, side) in [("Before", &comparison.before), ("After", &comparison.after)] {
        writeln!(out, "  {label}: {}", side_text(side))?;
    }
    writeln!(out, "\nChanges per app and data, biggest first ({})", comparison.changes.len())?;
    for change in &comparison.changes {
        let label = if change.name.is_empty() { change.bundle_id.clone() } else { format!("{} ({})", change.name, change.bundle_id) };
        let status = match change.status {
            "new" => " [new]",
            "gone" => " [gone]",
            _ => "",
        };
        writeln!(
            out,
            "  {label}, {}{status}: {} → {} a day ({:+}), quiet hours {} → {}, longest {} s → {} s",
            change.category,
            change.before.per_day,
            change.after.per_day,
            change.change.per_day,
            share(&change.before),
            share(&change.after),
            change.before.max_seconds,
            change.after.max_seconds,
        )?;
    }
    let apps = |apps: &[privacy_lens::AppRef]| apps.iter().map(|a| a.bundle_id.as_str()).collect::<Vec<_>>().join(", ");
    for (label, list) in [("Apps that appeared", apps(&comparison.apps_appeared)), ("Apps that disappeared", apps(&comparison.apps_disappeared))] {
        if !list.is_empty() {
            writeln!(out, "\n{label}: {list}")?;
        }
    }
    for (label, domains) in [("Domains that appeared", &comparison.domains_appeared), ("Domains that disappeared", &comparison.domains_disappeared)] {
        if !domains.is_empty() {
            writeln!(out, "\n{label} ({}): {}", domains.len(), domains.join(", "))?;
        }
    }
    if !comparison.new_third_parties.is_empty() {
        writeln!(out, "\nNew third-party companies")?;
        for app in &comparison.new_third_parties {
            writeln!(out, "  {}: {}", app.bundle_id, app.companies.join(", "))?;
        }
    }
    Ok(())
}

fn side_text(side: &Side) -> String {
    let period = side.period.as_ref().map_or_else(|| "no records".to_owned(), |p| format!("{} to {}", p.first, p.last));
    format!("{period}, {} covered, {}", plural(side.days_covered, "day", "days"), plural(side.files.len() as u64, "file", "files"))
}

/// The quiet-hours share as a percentage.
fn share(figures: &Figures) -> String {
    format!("{:.0}%", figures.quiet_share * 100.0)
}

/// `1 day`, `3 days`.
fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}
