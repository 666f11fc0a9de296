//! Argument parsing and the two commands.

mod text;

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use privacy_lens::synthetic::{Plan, SyntheticHistory};
use privacy_lens::{
    access_csv, apps_csv, blocklist, domains_csv, intervals_csv, parse_local_time, Analyzer,
    BlocklistFormat, LocalRange, Options, QuietHours, Report, Thresholds, CSV_TABLES,
};

/// Chunk size for reading files: large enough to amortise calls, small enough to stay in cache.
const CHUNK: usize = 4 << 20;

#[derive(Parser)]
#[command(
    name = "privacy-lens",
    version,
    about = "What the apps on an iPhone did, from its App Privacy Report."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read one or more exports (one history; overlaps count once) and report on them.
    Analyze(AnalyzeArgs),
    /// Compare two sets of exports, or one history before and after a date.
    Compare(CompareArgs),
    /// Write a synthetic, realistic export (for demos, tests and benchmarks).
    Generate(GenerateArgs),
}

#[derive(Args)]
struct AnalyzeArgs {
    /// Export files (.ndjson); `-` reads standard input.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print the report as JSON (the stable format described in the README).
    #[arg(long, conflicts_with = "blocklist")]
    json: bool,
    /// Also write the CSV tables (intervals.csv, access.csv, apps.csv, domains.csv) into DIR.
    #[arg(long, value_name = "DIR")]
    csv: Option<PathBuf>,
    /// Print a blocklist of the tracker and Apple-flagged domains seen instead of the report:
    /// `hosts` (Pi-hole, hosts files) or `adblock` (AdGuard, uBlock Origin).
    #[arg(long, value_name = "FORMAT")]
    blocklist: Option<BlocklistFormat>,
    /// The language of the readable output (default: from LC_ALL/LC_MESSAGES/LANG; JSON is the same in all).
    #[arg(long, value_enum)]
    lang: Option<text::Lang>,
    #[command(flatten)]
    settings: Settings,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("sides").args(["before", "split_at"]).required(true)))]
struct CompareArgs {
    /// The earlier exports.
    #[arg(long, num_args = 1.., value_name = "FILE", requires = "after", conflicts_with_all = ["split_at", "files"])]
    before: Vec<PathBuf>,
    /// The later exports.
    #[arg(long, num_args = 1.., value_name = "FILE", requires = "before")]
    after: Vec<PathBuf>,
    /// Instead of two sets: read FILEs as one history and compare before and after this
    /// local time (`YYYY-MM-DD`, midnight, or `YYYY-MM-DDTHH:MM`).
    #[arg(long, value_name = "DATE", value_parser = parse_local_time, requires = "files")]
    split_at: Option<i64>,
    /// The exports of the one history (with --split-at).
    files: Vec<PathBuf>,
    /// Print the comparison as JSON (the stable format described in the README).
    #[arg(long)]
    json: bool,
    /// The language of the readable output (default: from LC_ALL/LC_MESSAGES/LANG).
    #[arg(long, value_enum)]
    lang: Option<text::Lang>,
    #[command(flatten)]
    settings: Settings,
}

/// What the report is computed with: quiet hours, the rules' thresholds, the tracker database.
#[derive(Args)]
struct Settings {
    /// Quiet hours, local time, start included and end excluded; may cross midnight.
    #[arg(long, value_name = "HH:MM-HH:MM", default_value = "00:00-06:00")]
    quiet_hours: QuietHours,
    /// quiet_hours_access: at least this many quiet-hours intervals (1 or more).
    #[arg(long, value_name = "N", default_value_t = Thresholds::default().quiet_hours_min,
          value_parser = clap::value_parser!(u64).range(1..))]
    quiet_hours_min: u64,
    /// frequent_access: at least this many intervals per day on average (more than 0).
    #[arg(long, value_name = "N", default_value_t = Thresholds::default().frequent_per_day, value_parser = positive)]
    frequent_per_day: f64,
    /// long_access: an interval of photos, contacts or media at least this many seconds long (more than 0).
    #[arg(long, value_name = "SECONDS", default_value_t = Thresholds::default().long_seconds, value_parser = positive)]
    long_seconds: f64,
    /// third_party_trackers: at least this many third-party tracker domains (1 or more).
    #[arg(long, value_name = "N", default_value_t = Thresholds::default().trackers_min,
          value_parser = clap::value_parser!(u64).range(1..))]
    trackers_min: u64,
    /// The tracker database compiled by `make data` (default: www/data/trackerdb.tsv of the
    /// project the binary was built in, when it is there).
    #[arg(long, value_name = "FILE")]
    trackerdb: Option<PathBuf>,
}

impl Settings {
    fn options(&self) -> Options {
        Options {
            quiet_hours: self.quiet_hours,
            thresholds: Thresholds {
                quiet_hours_min: self.quiet_hours_min,
                frequent_per_day: self.frequent_per_day,
                long_seconds: self.long_seconds,
                trackers_min: self.trackers_min,
            },
            range: LocalRange::ALL,
        }
    }

    /// The tracker database's bytes (a note on stderr when there is none).
    fn trackerdb(&self) -> Option<Vec<u8>> {
        let Some(path) = self.trackerdb.clone().or_else(default_trackerdb) else {
            eprintln!(
                "privacy-lens: note: no tracker database (give --trackerdb FILE; `make data` writes www/data/trackerdb.tsv); \
                 owners come from the project's table and Apple only"
            );
            return None;
        };
        std::fs::read(&path)
            .inspect_err(|error| {
                eprintln!(
                    "privacy-lens: cannot read the tracker database {}: {error}",
                    path.display()
                )
            })
            .ok()
    }
}

/// An analyzer with the tracker database loaded, if there is one.
fn analyzer(trackerdb: Option<&[u8]>) -> Analyzer {
    let mut analyzer = Analyzer::new();
    if let Some(bytes) = trackerdb {
        analyzer.load_trackerdb(bytes);
    }
    analyzer
}

#[derive(Args)]
struct GenerateArgs {
    /// Seed of the random choices; the same seed gives the same file.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Days of activity.
    #[arg(long, default_value_t = 7)]
    days: u32,
    /// Instead of one export, write consecutive weekly exports (7 days each; --days is not
    /// used) back to back until the output reaches this many bytes (suffixes K, M, G).
    #[arg(long, value_name = "BYTES", value_parser = parse_size)]
    size: Option<u64>,
    /// From this day on (0 is the first), WeChat changes as after an update: no more night
    /// reads of photos, and new domains (a planted change for comparisons).
    #[arg(long, value_name = "DAY")]
    change_day: Option<u32>,
    /// Write only the export the phone would have made of days FROM..TO of the history
    /// (0-based, TO excluded), e.g. 0..7 and 5..12 for two overlapping weekly exports.
    #[arg(long, value_name = "FROM..TO", value_parser = parse_days, conflicts_with = "size")]
    window: Option<(u32, u32)>,
    /// Where to write; standard output when absent.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Runs the command line and returns the process's exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Analyze(args) => analyze(args),
        Command::Compare(args) => compare(args),
        Command::Generate(args) => generate(args),
    };
    match outcome {
        Ok(code) => code,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("privacy-lens: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `www/data/trackerdb.tsv` of the project whose `target/<profile>/` holds this binary.
fn default_trackerdb() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    exe.ancestors()
        .skip(1)
        .take(4)
        .map(|dir| dir.join("www/data/trackerdb.tsv"))
        .find(|path| path.is_file())
}

fn analyze(args: AnalyzeArgs) -> io::Result<ExitCode> {
    let options = args.settings.options();
    let mut analyzer = analyzer(args.settings.trackerdb().as_deref());
    read_files(&mut analyzer, &args.files);
    let report = analyzer.report(&options);
    if let Some(dir) = &args.csv {
        write_csv(dir, &report, options.quiet_hours)?;
    }
    let mut out = BufWriter::new(io::stdout().lock());
    if let Some(format) = args.blocklist {
        out.write_all(blocklist(&report, format).as_bytes())?;
    } else if args.json {
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
    } else {
        text::write_report(
            &mut out,
            &report,
            args.lang.unwrap_or_else(text::Lang::from_environment),
        )?;
    }
    out.flush()?;
    Ok(exit_code(&analyzer))
}

fn compare(args: CompareArgs) -> io::Result<ExitCode> {
    let options = args.settings.options();
    let trackerdb = args.settings.trackerdb();
    let (comparison, read) = match args.split_at {
        Some(split_at) => {
            let mut history = analyzer(trackerdb.as_deref());
            read_files(&mut history, &args.files);
            (
                history.compare_split(split_at, &options),
                history.has_export(),
            )
        }
        None => {
            let (mut before, mut after) = (
                analyzer(trackerdb.as_deref()),
                analyzer(trackerdb.as_deref()),
            );
            read_files(&mut before, &args.before);
            read_files(&mut after, &args.after);
            let read = before.has_export() && after.has_export();
            (
                privacy_lens::compare(&before.report(&options), &after.report(&options)),
                read,
            )
        }
    };
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        serde_json::to_writer(&mut out, &comparison)?;
        writeln!(out)?;
    } else {
        text::write_comparison(
            &mut out,
            &comparison,
            args.lang.unwrap_or_else(text::Lang::from_environment),
        )?;
    }
    out.flush()?;
    if read {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("privacy-lens: each side needs at least one App Privacy Report export");
        Ok(ExitCode::FAILURE)
    }
}

/// Reads each file into the analyzer as one more export; a file that cannot be opened or
/// is not an export is reported on stderr and the others are still read.
fn read_files(analyzer: &mut Analyzer, files: &[PathBuf]) {
    let mut buffer = vec![0u8; CHUNK];
    for path in files {
        let name = path.display().to_string();
        let mut input: Box<dyn Read> = if name == "-" {
            Box::new(io::stdin().lock())
        } else {
            match File::open(path) {
                Ok(file) => {
                    analyzer.expect_bytes(file.metadata().map_or(0, |m| m.len()));
                    Box::new(file)
                }
                Err(error) => {
                    eprintln!("privacy-lens: cannot open {name}: {error}");
                    continue;
                }
            }
        };
        analyzer.start_file(&name);
        loop {
            match input.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => analyzer.feed(&buffer[..read]),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    eprintln!("privacy-lens: reading {name} stopped: {error}");
                    break;
                }
            }
        }
        if let Some(error) = analyzer.finish_file().and_then(|file| file.error.as_ref()) {
            eprintln!("privacy-lens: {error}");
        }
    }
}

/// Success when at least one file was an export.
fn exit_code(analyzer: &Analyzer) -> ExitCode {
    if analyzer.has_export() {
        ExitCode::SUCCESS
    } else {
        eprintln!("privacy-lens: none of the files is an App Privacy Report export");
        ExitCode::FAILURE
    }
}

/// Writes the CSV tables into `dir` (made if missing).
fn write_csv(dir: &Path, report: &Report, quiet_hours: QuietHours) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for name in CSV_TABLES {
        let table = match name {
            "intervals.csv" => intervals_csv(&report.apps, quiet_hours),
            "access.csv" => access_csv(report),
            "apps.csv" => apps_csv(report),
            _ => domains_csv(&report.domains),
        };
        std::fs::write(dir.join(name), table)?;
    }
    Ok(())
}

fn generate(args: GenerateArgs) -> io::Result<ExitCode> {
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(File::create(path)?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let plan = Plan {
        seed: args.seed,
        days: args.days,
        change_day: args.change_day,
        ..Plan::default()
    };
    match args.size {
        Some(bytes) => SyntheticHistory::write_weekly_exports(&plan, bytes, &mut out)?,
        None => {
            let history = SyntheticHistory::generate(&plan);
            let window = args
                .window
                .map_or_else(|| history.window(), |(from, to)| history.days(from, to));
            history.write_export(window, &mut out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    };
    let multiplier = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return Err(format!("{text:?} is not a size such as 100M or 1G")),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(|| format!("{text:?} is not a size such as 100M or 1G"))
}

/// `FROM..TO` day numbers, FROM below TO.
fn parse_days(text: &str) -> Result<(u32, u32), String> {
    let invalid = || format!("{text:?} should be days such as 0..7 (FROM..TO, TO excluded)");
    let (from, to) = text.split_once("..").ok_or_else(invalid)?;
    let (from, to): (u32, u32) = (
        from.trim().parse().map_err(|_| invalid())?,
        to.trim().parse().map_err(|_| invalid())?,
    );
    if from < to {
        Ok((from, to))
    } else {
        Err(invalid())
    }
}

/// A finite number greater than zero.
fn positive(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() && value > 0.0 => Ok(value),
        _ => Err(format!("{text:?} should be a number greater than 0")),
    }
}
