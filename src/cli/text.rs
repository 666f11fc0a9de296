//! The readable report, in English or Simplified Chinese: findings first, then the overview,
//! the apps and the diagnostics. (The JSON output is the same in every language: English keys,
//! and each finding's English `text` beside the `params` it is made of.)

use std::io::{self, Write};

use privacy_lens::{Comparison, Figures, Finding, Report, Side};

/// The language of the readable output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// From the locale environment (`LC_ALL`, `LC_MESSAGES`, `LANG`, the first one set):
    /// Chinese for `zh…`, else English.
    pub fn from_environment() -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()));
        if locale.is_some_and(|l| l.to_ascii_lowercase().starts_with("zh")) {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}

/// The message `key` in `lang`, with `{name}` placeholders. Every key has both languages.
fn message(lang: Lang, key: &str) -> &'static str {
    let (en, zh) = match key {
        "read" => ("Privacy Lens: {exports} of {files} files read as exports", "Privacy Lens：{files} 个文件中有 {exports} 个是导出文件"),
        "period" => (", {first} to {last} ({days} days)", "，{first} 至 {last}（{days} 天）"),
        "findings" => ("Findings ({n})", "发现（{n}）"),
        "no-findings" => ("  None of the rules matched.", "  没有符合任何规则的情况。"),
        "evidence" => ("      {begin} to {end} ({s} s)", "      {begin} 至 {end}（{s} 秒）"),
        "overview" => ("Overview", "概览"),
        "records" => (
            "  Records kept: {access} access, {network} network, {events} events; {unknown} unknown, {duplicates} duplicates dropped, {skipped} lines skipped",
            "  保留的记录：访问 {access} 条，网络 {network} 条，事件 {events} 个；未知类型 {unknown} 条，去除重复 {duplicates} 条，跳过 {skipped} 行",
        ),
        "not-read" => ("  {name}: not read: {error}", "  {name}：未读取：{error}"),
        "file" => ("  {name}: {generation}, {first} to {last}, {records} records, {skipped} lines skipped", "  {name}：{generation}，{first} 至 {last}，{records} 条记录，跳过 {skipped} 行"),
        "covered" => ("  Covered: {days} days (no export covers the gaps below: no data, not no access)", "  覆盖：{days} 天（下列空缺没有任何导出覆盖：是缺少数据，不是没有访问）"),
        "gap" => ("  Gap: {first} to {last} ({days} days)", "  空缺：{first} 至 {last}（{days} 天）"),
        "apps" => ("Apps ({n})", "应用（{n}）"),
        "category" => ("    {category}: {intervals} intervals", "    {category}：{intervals} 次访问"),
        "category-times" => (" ({quiet} in quiet hours), {total} s in all, longest {longest} s", "（静默时段内 {quiet} 次），共 {total} 秒，最长 {longest} 秒"),
        "open" => (", {n} open", "，{n} 次仍在进行"),
        "orphans" => (", {n} ends without begin", "，{n} 个结束没有开始"),
        "events" => (", {n} events", "，{n} 个事件"),
        "network" => ("    network: {domains} domains, {hits} hits ({flagged} flagged by Apple, {trackers} third-party trackers{companies})", "    网络：{domains} 个域名，{hits} 次（Apple 标记 {flagged} 个，第三方跟踪器 {trackers} 个{companies}）"),
        "at-most" => ("at most {n}", "最多 {n}"),
        "companies" => ("; companies: {list}", "；公司：{list}"),
        "skipped" => ("Skipped or odd lines ({n})", "跳过或存疑的行（{n}）"),
        "more" => ("  … and {n} more", "  …… 另有 {n} 行"),
        "compare" => ("Privacy Lens: before and after", "Privacy Lens：之前与之后"),
        "before" => ("Before", "之前"),
        "after" => ("After", "之后"),
        "side" => ("  {label}: {period}, {days} days covered, {files} files", "  {label}：{period}，覆盖 {days} 天，{files} 个文件"),
        "no-records" => ("no records", "没有记录"),
        "span" => ("{first} to {last}", "{first} 至 {last}"),
        "changes" => ("Changes per app and data, biggest first ({n})", "按应用和数据的变化，最大的在前（{n}）"),
        "change" => (
            "  {label}, {category}{status}: {before} → {after} a day ({change}), quiet hours {quiet_before} → {quiet_after}, longest {longest_before} s → {longest_after} s",
            "  {label}，{category}{status}：每天 {before} → {after}（{change}），静默时段 {quiet_before} → {quiet_after}，最长 {longest_before} 秒 → {longest_after} 秒",
        ),
        "new" => (" [new]", "［新出现］"),
        "gone" => (" [gone]", "［已消失］"),
        "apps-appeared" => ("Apps that appeared", "新出现的应用"),
        "apps-disappeared" => ("Apps that disappeared", "消失的应用"),
        "domains-appeared" => ("Domains that appeared", "新出现的域名"),
        "domains-disappeared" => ("Domains that disappeared", "消失的域名"),
        "new-companies" => ("New third-party companies", "新的第三方公司"),
        _ => unreachable!("no message {key}"),
    };
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// Fills `{name}` placeholders.
fn fill(template: &str, params: &[(&str, &dyn std::fmt::Display)]) -> String {
    params
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), &value.to_string())
        })
}

/// `message` with its placeholders filled.
fn say(lang: Lang, key: &str, params: &[(&str, &dyn std::fmt::Display)]) -> String {
    fill(message(lang, key), params)
}

/// Writes `report` for a person to read.
pub fn write_report(out: &mut impl Write, report: &Report, lang: Lang) -> io::Result<()> {
    let exports = report.files.iter().filter(|f| f.error.is_none()).count();
    write!(
        out,
        "{}",
        say(
            lang,
            "read",
            &[("exports", &exports), ("files", &report.files.len())]
        )
    )?;
    match &report.period {
        Some(p) => writeln!(
            out,
            "{}",
            say(
                lang,
                "period",
                &[("first", &p.first), ("last", &p.last), ("days", &p.days)]
            )
        )?,
        None => writeln!(out)?,
    }

    writeln!(
        out,
        "\n{}",
        say(lang, "findings", &[("n", &report.findings.len())])
    )?;
    if report.findings.is_empty() {
        writeln!(out, "{}", message(lang, "no-findings"))?;
    }
    for finding in &report.findings {
        let text = match lang {
            Lang::En => finding.text.clone(),
            Lang::Zh => finding_zh(finding, report),
        };
        writeln!(out, "  * [{}] {text}", finding.rule)?;
        for e in &finding.evidence {
            writeln!(
                out,
                "{}",
                say(
                    lang,
                    "evidence",
                    &[("begin", &e.begin), ("end", &e.end), ("s", &e.seconds)]
                )
            )?;
        }
    }

    let r = &report.records;
    writeln!(out, "\n{}", message(lang, "overview"))?;
    let counts: [(&str, &dyn std::fmt::Display); 6] = [
        ("access", &r.access),
        ("network", &r.network),
        ("events", &r.events),
        ("unknown", &r.unknown),
        ("duplicates", &r.duplicates),
        ("skipped", &r.skipped),
    ];
    writeln!(out, "{}", say(lang, "records", &counts))?;
    for file in &report.files {
        let line = match &file.error {
            Some(error) => say(lang, "not-read", &[("name", &file.name), ("error", error)]),
            None => say(
                lang,
                "file",
                &[
                    ("name", &file.name),
                    ("generation", &file.generation.map_or("", |g| g.as_str())),
                    ("first", &file.first.as_deref().unwrap_or("?")),
                    ("last", &file.last.as_deref().unwrap_or("?")),
                    ("records", &file.records),
                    ("skipped", &file.skipped),
                ],
            ),
        };
        writeln!(out, "{line}")?;
    }
    if !report.coverage.gaps.is_empty() {
        writeln!(
            out,
            "{}",
            say(lang, "covered", &[("days", &report.coverage.days)])
        )?;
        for gap in &report.coverage.gaps {
            writeln!(
                out,
                "{}",
                say(
                    lang,
                    "gap",
                    &[
                        ("first", &gap.first),
                        ("last", &gap.last),
                        ("days", &gap.days)
                    ]
                )
            )?;
        }
    }

    writeln!(out, "\n{}", say(lang, "apps", &[("n", &report.apps.len())]))?;
    for app in &report.apps {
        let name = match (lang, &app.name_zh) {
            (Lang::Zh, Some(zh)) => zh.clone(),
            (_, Some(zh)) if app.name_source == "table" => format!("{} {zh}", app.name),
            _ => app.name.clone(),
        };
        let company = match (lang, &app.company, &app.company_zh) {
            (Lang::Zh, _, Some(zh)) => format!(", {zh}"),
            (_, Some(company), _) => format!(", {company}"),
            _ => String::new(),
        };
        writeln!(out, "  {name} ({}){company}", app.bundle_id)?;
        for c in &app.access {
            write!(
                out,
                "{}",
                say(
                    lang,
                    "category",
                    &[("category", &c.category), ("intervals", &c.intervals)]
                )
            )?;
            if c.intervals > 0 {
                let total = format!("{:.1}", c.total_seconds);
                let longest = format!("{:.1}", c.max_seconds);
                write!(
                    out,
                    "{}",
                    say(
                        lang,
                        "category-times",
                        &[
                            ("quiet", &c.quiet_hours),
                            ("total", &total),
                            ("longest", &longest)
                        ]
                    )
                )?;
            }
            for (count, key) in [
                (c.open, "open"),
                (c.orphan_ends, "orphans"),
                (c.events, "events"),
            ] {
                if count > 0 {
                    write!(out, "{}", say(lang, key, &[("n", &count)]))?;
                }
            }
            writeln!(out)?;
        }
        let n = &app.network;
        if n.domains > 0 {
            let hits = if n.hits_upper_bound {
                say(lang, "at-most", &[("n", &n.hits)])
            } else {
                n.hits.to_string()
            };
            let companies = if n.third_party_companies.is_empty() {
                String::new()
            } else {
                say(
                    lang,
                    "companies",
                    &[("list", &n.third_party_companies.join(", "))],
                )
            };
            let params: [(&str, &dyn std::fmt::Display); 5] = [
                ("domains", &n.domains),
                ("hits", &hits),
                ("flagged", &n.flagged_domains),
                ("trackers", &n.tracker_domains),
                ("companies", &companies),
            ];
            writeln!(out, "{}", say(lang, "network", &params))?;
        }
    }

    if !report.diagnostics.is_empty() {
        let count = report.diagnostics.len() as u64 + report.diagnostics_omitted;
        writeln!(out, "\n{}", say(lang, "skipped", &[("n", &count)]))?;
        for d in &report.diagnostics {
            writeln!(out, "  {}:{}: {}", d.file, d.line, d.message)?;
        }
        if report.diagnostics_omitted > 0 {
            writeln!(
                out,
                "{}",
                say(lang, "more", &[("n", &report.diagnostics_omitted)])
            )?;
        }
    }
    Ok(())
}

/// A finding in Chinese, from its rule and parameters (as the page writes it).
fn finding_zh(finding: &Finding, report: &Report) -> String {
    let p = &finding.params;
    let number = |key: &str| p.get(key).and_then(|v| v.as_f64()).unwrap_or(0.0);
    let list = |key: &str, separator: &str| -> String {
        let items: Vec<&str> = p
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let mut shown: Vec<&str> = items.iter().take(5).copied().collect();
        if items.len() > 5 {
            shown.push("…");
        }
        shown.join(separator)
    };
    let app = report
        .apps
        .iter()
        .find(|a| a.bundle_id == finding.bundle_id);
    let name = app
        .and_then(|a| a.name_zh.clone())
        .or_else(|| app.map(|a| a.name.clone()))
        .unwrap_or_else(|| finding.bundle_id.clone());
    let label = format!("{name}（{}）", finding.bundle_id);
    let data = finding
        .category
        .as_deref()
        .map_or_else(|| "网络".to_owned(), category_zh);
    let (rank, tied, compared) = (
        number("rank") as u64,
        number("tied") as u64,
        number("apps_compared") as u64,
    );
    let context = match (compared, rank, tied) {
        (1, _, _) => format!("它是本报告中唯一有{data}活动的应用。"),
        (n, 1, 0) => format!("在本报告中有{data}活动的 {n} 个应用里，它最多。"),
        (n, 1, t) => format!(
            "本报告中有{data}活动的其他 {} 个应用里，有 {t} 个达到同样水平，没有更多的。",
            n - 1
        ),
        (n, rank, t) => format!(
            "在本报告中有{data}活动的 {n} 个应用里，它{}排第 {rank} 位。",
            if t > 0 { "并列" } else { "" }
        ),
    };
    let up_to = if p.get("hits_upper_bound").and_then(|v| v.as_bool()) == Some(true) {
        "最多 "
    } else {
        " "
    };
    let count = finding.count;
    match finding.rule {
        "quiet_hours_access" => format!(
            "{label}在静默时段（当地时间 {}–{}）访问{data} {count} 次，分布在 {} 个夜晚；{} 天里共访问 {} 次，最长一次持续 {}。{context}一次访问说明应用使用了这些数据，或被告知数据有变化{}；它不能说明有任何数据离开了手机。",
            p.get("quiet_start").and_then(|v| v.as_str()).unwrap_or(""),
            p.get("quiet_end").and_then(|v| v.as_str()).unwrap_or(""),
            number("nights"),
            number("days"),
            number("intervals"),
            seconds_zh(number("max_seconds")),
            if finding.category.as_deref() == Some("photos") { "（微信在 2021 年称，其夜间读取照片是系统通知照片变化所致）" } else { "" },
        ),
        "long_access" => format!(
            "{label}有 {count} 次连续使用{data}达 {} 或更久，最长一次 {}。{context}长时间的访问可能是有人在应用内浏览自己的{data}，也可能是应用自行读取。",
            seconds_zh(number("long_seconds")),
            seconds_zh(number("max_seconds")),
        ),
        "frequent_access" => format!(
            "{label}在 {} 天里访问{data} {count} 次，平均每天 {} 次，最多的一天（{}）达 {} 次。{context}",
            number("days"),
            number("per_day"),
            p.get("busiest_day").and_then(|v| v.as_str()).unwrap_or(""),
            number("busiest_day_intervals"),
        ),
        "flagged_domains" => {
            let owners = list("owners", "；");
            let owners = if owners.is_empty() { String::new() } else { format!("（Apple 给出的所有者：{owners}）") };
            format!(
                "{label}联系了 {count} 个被 Apple 标记为可能跨应用和网站收集信息的域名（{}），共{up_to}{} 次{owners}。{context}联系这类域名并不能说明发送了什么。",
                list("domains", "、"),
                number("hits"),
            )
        }
        "third_party_trackers" => {
            let companies = list("companies", "；");
            let companies = if companies.is_empty() { String::new() } else { format!("（所有者：{companies}）") };
            format!(
                "{label}联系了其他公司的 {count} 个广告或分析域名（{}），共{up_to}{} 次{companies}。{context}联系跟踪器说明应用与它通信过，但不能说明发送了什么。",
                list("domains", "、"),
                number("hits"),
            )
        }
        _ => finding.text.clone(),
    }
}

/// The Chinese name of a data category (as iOS names it); unknown ones as written.
fn category_zh(category: &str) -> String {
    match category {
        "photos" => "照片",
        "contacts" => "通讯录",
        "location" => "位置",
        "camera" => "相机",
        "microphone" => "麦克风",
        "mediaLibrary" => "媒体资料库",
        "screenRecording" => "屏幕录制",
        "calendars" => "日历",
        "reminders" => "提醒事项",
        "bluetooth" => "蓝牙",
        "motion" => "运动与健身",
        "health" => "健康",
        "homeKit" => "家庭",
        other => other,
    }
    .to_owned()
}

/// `58.9 秒`, `1 分 30 秒`.
fn seconds_zh(seconds: f64) -> String {
    if seconds < 60.0 {
        format!("{} 秒", (seconds * 10.0).round() / 10.0)
    } else {
        let whole = seconds.round() as u64;
        format!("{} 分 {} 秒", whole / 60, whole % 60)
    }
}

/// Writes `comparison` for a person to read: biggest changes first.
pub fn write_comparison(
    out: &mut impl Write,
    comparison: &Comparison,
    lang: Lang,
) -> io::Result<()> {
    writeln!(out, "{}", message(lang, "compare"))?;
    for (key, side) in [("before", &comparison.before), ("after", &comparison.after)] {
        writeln!(out, "{}", side_text(lang, message(lang, key), side))?;
    }
    writeln!(
        out,
        "\n{}",
        say(lang, "changes", &[("n", &comparison.changes.len())])
    )?;
    for change in &comparison.changes {
        let label = if change.name.is_empty() {
            change.bundle_id.clone()
        } else {
            format!("{} ({})", change.name, change.bundle_id)
        };
        let status = match change.status {
            "new" | "gone" => message(lang, change.status),
            _ => "",
        };
        let category = match lang {
            Lang::En => change.category.clone(),
            Lang::Zh => category_zh(&change.category),
        };
        let delta = format!("{:+}", change.change.per_day);
        let params: [(&str, &dyn std::fmt::Display); 10] = [
            ("label", &label),
            ("category", &category),
            ("status", &status),
            ("before", &change.before.per_day),
            ("after", &change.after.per_day),
            ("change", &delta),
            ("quiet_before", &share(&change.before)),
            ("quiet_after", &share(&change.after)),
            ("longest_before", &change.before.max_seconds),
            ("longest_after", &change.after.max_seconds),
        ];
        writeln!(out, "{}", say(lang, "change", &params))?;
    }
    let apps = |apps: &[privacy_lens::AppRef]| {
        apps.iter()
            .map(|a| a.bundle_id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (key, list) in [
        ("apps-appeared", apps(&comparison.apps_appeared)),
        ("apps-disappeared", apps(&comparison.apps_disappeared)),
    ] {
        if !list.is_empty() {
            writeln!(out, "\n{}: {list}", message(lang, key))?;
        }
    }
    for (key, domains) in [
        ("domains-appeared", &comparison.domains_appeared),
        ("domains-disappeared", &comparison.domains_disappeared),
    ] {
        if !domains.is_empty() {
            writeln!(
                out,
                "\n{} ({}): {}",
                message(lang, key),
                domains.len(),
                domains.join(", ")
            )?;
        }
    }
    if !comparison.new_third_parties.is_empty() {
        writeln!(out, "\n{}", message(lang, "new-companies"))?;
        for app in &comparison.new_third_parties {
            writeln!(out, "  {}: {}", app.bundle_id, app.companies.join(", "))?;
        }
    }
    Ok(())
}

fn side_text(lang: Lang, label: &str, side: &Side) -> String {
    let period = side.period.as_ref().map_or_else(
        || message(lang, "no-records").to_owned(),
        |p| say(lang, "span", &[("first", &p.first), ("last", &p.last)]),
    );
    say(
        lang,
        "side",
        &[
            ("label", &label),
            ("period", &period),
            ("days", &side.days_covered),
            ("files", &side.files.len()),
        ],
    )
}

/// The quiet-hours share as a percentage.
fn share(figures: &Figures) -> String {
    format!("{:.0}%", figures.quiet_share * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_the_same_placeholders_in_both_languages() {
        let keys = [
            "read",
            "period",
            "findings",
            "no-findings",
            "evidence",
            "overview",
            "records",
            "not-read",
            "file",
            "covered",
            "gap",
            "apps",
            "category",
            "category-times",
            "open",
            "orphans",
            "events",
            "network",
            "at-most",
            "companies",
            "skipped",
            "more",
            "compare",
            "before",
            "after",
            "side",
            "no-records",
            "span",
            "changes",
            "change",
            "new",
            "gone",
            "apps-appeared",
            "apps-disappeared",
            "domains-appeared",
            "domains-disappeared",
            "new-companies",
        ];
        let placeholders = |text: &str| {
            let mut names: Vec<String> = text
                .split('{')
                .skip(1)
                .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
                .collect();
            names.sort();
            names
        };
        for key in keys {
            let (en, zh) = (message(Lang::En, key), message(Lang::Zh, key));
            assert_eq!(placeholders(en), placeholders(zh), "{key}");
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{key} has no Chinese: {zh}"
            );
        }
    }
}
